import type { CredentialDetectorName, Detector, DetectorName, PiiDetectorName, SecretSpan } from './detector.js';
import { assignmentDetector } from './detectors/assignment.js';
import { authSchemeDetector } from './detectors/auth-scheme.js';
import { awsDetector } from './detectors/aws.js';
import { cardDetector } from './detectors/card.js';
import { connectionStringDetector } from './detectors/connection-string.js';
import { emailDetector } from './detectors/email.js';
import { githubDetector } from './detectors/github.js';
import { googleDetector } from './detectors/google.js';
import { jwtDetector } from './detectors/jwt.js';
import { phoneDetector } from './detectors/phone.js';
import { privateKeyDetector } from './detectors/private-key.js';
import { anthropicDetector, openaiDetector } from './detectors/sk-keys.js';
import { slackDetector } from './detectors/slack.js';
import { stripeDetector } from './detectors/stripe.js';
import { urlDetector } from './detectors/url.js';
import { MIN_SECRET_TEXT, Prefilter } from './prefilter.js';
import { userPattern, type NamedPattern } from './user-pattern.js';

export { passesLuhn } from './detectors/card.js';
export type { NamedPattern } from './user-pattern.js';
export type { CredentialDetectorName, DetectorName, PiiDetectorName, SecretSpan } from './detector.js';

/**
 * The secret scanner: the chosen built-in detectors and the user's patterns behind one cheap
 * first look, their spans merged. What each detector finds is documented in its file under
 * src/redaction/detectors/ (and listed in docs/processors.md).
 */

/** The credential detectors, on by default in every pipeline (in the order their spans win ties). */
export const CREDENTIAL_DETECTORS: readonly CredentialDetectorName[] = Object.freeze([
  'privateKey', 'jwt', 'anthropic', 'openai', 'aws', 'github', 'stripe', 'slack', 'google',
  'authScheme', 'connectionString', 'url', 'assignment',
] as const);
/** The PII detectors, opt-in through `redact()`. */
export const PII_DETECTORS: readonly PiiDetectorName[] = Object.freeze(['email', 'card', 'phone'] as const);
/** Every built-in detector: `CREDENTIAL_DETECTORS` then `PII_DETECTORS`. */
export const ALL_DETECTORS: readonly DetectorName[] = Object.freeze([...CREDENTIAL_DETECTORS, ...PII_DETECTORS]);

const BUILT_IN: Readonly<Record<DetectorName, Detector>> = {
  openai: openaiDetector,
  anthropic: anthropicDetector,
  aws: awsDetector,
  github: githubDetector,
  stripe: stripeDetector,
  slack: slackDetector,
  google: googleDetector,
  jwt: jwtDetector,
  authScheme: authSchemeDetector,
  privateKey: privateKeyDetector,
  url: urlDetector,
  connectionString: connectionStringDetector,
  assignment: assignmentDetector,
  email: emailDetector,
  card: cardDetector,
  phone: phoneDetector,
};

/** Options of `createScanner`. */
export interface ScannerOptions {
  /** Built-in detectors to run. Default: `CREDENTIAL_DETECTORS` (`redact()` passes `ALL_DETECTORS`). */
  detectors?: readonly DetectorName[];
  /** The user's own patterns; each span's kind is the pattern's name. Default: none. */
  patterns?: readonly NamedPattern[];
}

/** Finds secrets in text. Every method is linear in the text for the built-in detectors. */
export interface SecretScanner {
  /** Cheap: false means find() returns []. The hot path calls this on every captured string. */
  mayHold(text: string): boolean;
  /** Every span, sorted by start, overlaps merged (kind of the earliest). One shared empty array when none (most texts: nothing is allocated). */
  find(text: string): readonly SecretSpan[];
  /** text with each span replaced by replace(secretText, kind); the SAME string when none. */
  redact(text: string, replace: (secret: string, kind: string) => string): string;
}

/** What `find` gives for a text with no secret, shared. */
const NO_SPANS: readonly SecretSpan[] = Object.freeze([]);

/** A scanner (detector or pattern) with the kind its spans get. */
interface Source {
  readonly kind: string;
  scan(text: string, found: (start: number, end: number) => void): void;
}

/**
 * A secret scanner over the given detectors (default `CREDENTIAL_DETECTORS`) and patterns.
 * Throws a TypeError for an unknown detector name. A pattern that throws (reading it or running
 * it) makes find and redact throw, so callers fail closed; a pattern that matches the empty
 * string moves on and finds nothing there.
 *
 * @example
 * const scanner = createScanner({ detectors: ALL_DETECTORS, patterns: [{ name: 'order', regex: /ord-\d+/i }] });
 * scanner.redact('order ORD-123 by ada@example.com', (_, kind) => `[${kind}]`); // 'order [order] by [email]'
 */
export function createScanner(options: ScannerOptions = {}): SecretScanner {
  const names = options.detectors ?? CREDENTIAL_DETECTORS;
  for (const name of names) {
    if (!Object.hasOwn(BUILT_IN, name)) throw new TypeError(`createScanner: unknown detector ${JSON.stringify(name)}; known: ${ALL_DETECTORS.join(', ')}`);
  }
  // In ALL_DETECTORS order, each once: the order decides which kind a tie keeps.
  const chosen = ALL_DETECTORS.filter((name) => names.includes(name));
  const detectors: Source[] = chosen.map((name) => ({ kind: name, scan: BUILT_IN[name].scan }));
  const patterns: Source[] = (options.patterns ?? []).map(userPattern);
  if (detectors.length === 0 && patterns.length === 0) return { mayHold: () => false, find: () => NO_SPANS, redact: (text) => text };
  const prefilter = new Prefilter(chosen);
  // A user pattern can match anything: with one, every text is looked at.
  const mayHold = patterns.length > 0 ? () => true : (text: string) => prefilter.mayHold(text);

  const find = (text: string): readonly SecretSpan[] => {
    // The cheap look first: most texts stop here; each detector's gate only when it passes, and
    // nothing is allocated until a detector runs (this is the capture's hot path).
    let sink: SpanSink | undefined;
    if (text.length >= MIN_SECRET_TEXT && prefilter.mayHold(text)) {
      prefilter.look(text);
      for (let i = 0; i < detectors.length; i++) if (prefilter.passes(i, text)) (sink ??= new SpanSink(text)).run(detectors[i]!);
    }
    for (const pattern of patterns) (sink ??= new SpanSink(text)).run(pattern);
    return sink === undefined ? NO_SPANS : merge(sink.spans);
  };

  return {
    mayHold,
    find,
    redact(text, replace) {
      const spans = find(text);
      if (spans.length === 0) return text;
      let out = '';
      let at = 0;
      for (const span of spans) {
        out += text.slice(at, span.start) + replace(text.slice(span.start, span.end), span.kind);
        at = span.end;
      }
      return out + text.slice(at);
    },
  };
}

/** The spans found in one text, from every source run on it. */
class SpanSink {
  readonly spans: SecretSpan[] = [];
  private kind = '';
  /** The callback every source reports to (one per sink, so a scan creates no closure per source). */
  private readonly found: (start: number, end: number) => void;

  constructor(private readonly text: string) {
    this.found = (start, end) => {
      if (start < end && start >= 0 && end <= this.text.length) this.spans.push({ start, end, kind: this.kind });
    };
  }

  run(source: Source): void {
    this.kind = source.kind;
    source.scan(this.text, this.found);
  }
}

/** Spans sorted by start (ties: the longer, then the earlier source), overlapping ones merged into the first. */
function merge(spans: SecretSpan[]): SecretSpan[] {
  if (spans.length <= 1) return spans;
  // Stable sort: among equal starts and ends, the source listed first keeps its kind.
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SecretSpan[] = [];
  let current = spans[0]!;
  for (let i = 1; i < spans.length; i++) {
    const span = spans[i]!;
    if (span.start < current.end) {
      if (span.end > current.end) current = { start: current.start, end: span.end, kind: current.kind };
    } else {
      merged.push(current);
      current = span;
    }
  }
  merged.push(current);
  return merged;
}
