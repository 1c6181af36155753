import { randomBytes } from 'node:crypto';
import type { TraceEvent } from '../schemas/trace-event.js';
import { createScanner, ALL_DETECTORS, type DetectorName, type NamedPattern } from '../src/redaction/scanner.js';
import { secretKeyMatcher, type SecretKeyOptions } from '../src/redaction/secret-keys.js';
import { isRequestEnd } from '../src/wire/request-end.js';
import { defineProcessor } from './define.js';
import { EnvelopeRules } from './redact-envelope.js';
import { endMarkerClosed, failClosed } from './redact-fail-closed.js';
import { asFailure, reportedError, type FailedPart } from './redact-failure.js';
import { keyRules } from './redact-keys.js';
import { PayloadRules } from './redact-payload.js';
import { REDACT_STYLES, Replacer, type RedactStyle } from './redact-style.js';
import { NameCache, TextRules, type Redactor } from './redact-text.js';
import { PayloadWalker } from './redact-walk.js';

export { DEFAULT_SECRET_KEYS, DEFAULT_ALLOWED_KEYS } from '../src/redaction/secret-keys.js';
export type { RedactStyle } from './redact-style.js';

/** Detector names of earlier releases, still accepted: `apiKey` (every provider's keys) and `bearer` (now `authScheme`). */
export type LegacyDetectorName = 'apiKey' | 'bearer';

// What each earlier name stands for today.
const LEGACY: Record<LegacyDetectorName, readonly DetectorName[]> = {
  apiKey: ['openai', 'anthropic', 'aws', 'github', 'stripe', 'slack', 'google'],
  bearer: ['authScheme'],
};

/** Options of `redact`. Everything is optional: the defaults catch credentials and personal data. */
export interface RedactOptions extends SecretKeyOptions {
  /**
   * Built-in value detectors to run (default `ALL_DETECTORS`: every credential detector, and
   * the PII ones `email`, `card`, `phone`; the earlier `apiKey` and `bearer` still name every
   * provider's key detector and `authScheme`). `[]` runs none (keys, patterns and redactors still apply).
   */
  detectors?: ReadonlyArray<DetectorName | LegacyDetectorName>;
  /** Your own value patterns, with every flag they have; `name` labels tokens (`[ORDER_ID_1]`, `<orderId>`). Default: none. */
  patterns?: readonly NamedPattern[];
  /**
   * Your own redactors, run on every string after the detectors (values, keys, names: op names
   * and ctx segments, annotation keys, group names, models, mime types), told the key the string
   * is under (the field for names, none for object keys). Not on request and event ids. One that
   * throws, or returns no string, fails the event closed. Assumed pure: results on names are
   * remembered. Default: none.
   */
  redactors?: readonly Redactor[];
  /** How a secret is replaced (`RedactStyle`): `full` (default), `partial`, `hash` or `indexed`. */
  style?: RedactStyle;
  /**
   * Salt of hash tokens and pseudonyms (request ids). Default: random per `redact()` call, so
   * they cannot be looked up in a dictionary of likely secrets; give one to compare across runs.
   */
  hashSalt?: string;
}

function detectorList(names: ReadonlyArray<DetectorName | LegacyDetectorName>): DetectorName[] {
  const out = new Set<DetectorName>();
  for (const name of names) for (const d of Object.hasOwn(LEGACY, name) ? LEGACY[name as LegacyDetectorName] : [name as DetectorName]) out.add(d);
  return [...out];
}

const FAILED_PARTS: readonly FailedPart[] = ['patterns', 'detectors', 'redactors', 'payload'];

/**
 * Redacts secrets and personal data in every field of every event (issue 15 §1): payload keys
 * and values at any depth (captured Maps and Sets, `[name, value]` header pairs and
 * `{name|key, value}` header objects, card numbers passed as numbers, captured and thrown errors),
 * annotation keys and values, group names and metadata, llm_usage and media_ref fields, op names,
 * ctx segments, and request ids, which become one stable pseudonym per request (its end marker
 * included; event ids follow). Values under secret keys are replaced whole. In names and keys a
 * secret becomes its hash token whatever the style, so two names never become one.
 *
 * It fails closed: when a detector, a pattern or a redactor throws (or a value throws when read),
 * every field of that event that can hold user content is masked, counted as `failed_closed`,
 * and the throw is reported as a callback error (`patterns`, `detectors`, `redactors`, `payload`)
 * without quoting the text. Changed events are new frozen events (what changed in them frozen, the rest shared) with the same seq (and
 * the same id unless the request id held a secret), counted as `redacted`; a clean event is
 * emitted as it came, the same object.
 *
 * Throws a `TypeError` at once for an unknown style, a redactor that is not a function, or a key
 * option that is not an array of strings and RegExps.
 *
 * @example
 * redact({ style: 'indexed', extraKeys: ['customerNotes'], allowKeys: ['session'] })
 */
export function redact(options: RedactOptions = {}) {
  const style = options.style ?? 'full';
  if (!REDACT_STYLES.includes(style)) throw new TypeError(`redact: style must be one of ${REDACT_STYLES.join(', ')}, got ${JSON.stringify(style)}`);
  const redactors = options.redactors ?? [];
  redactors.forEach((r, i) => {
    if (typeof r !== 'function') throw new TypeError(`redact: redactors[${i}] must be a function, got ${typeof r}`);
  });
  const patterns = options.patterns ?? [];
  const scanner = createScanner({ detectors: detectorList(options.detectors ?? ALL_DETECTORS), patterns });
  const isSecretKey = secretKeyMatcher({ keys: options.keys, extraKeys: options.extraKeys, allowKeys: options.allowKeys });
  const salt = options.hashSalt ?? randomBytes(16).toString('hex');

  return defineProcessor('redact', ({ emit, changed, guard }) => {
    const rules = new TextRules(scanner, redactors, patterns.length > 0);
    const replacer = new Replacer(style, salt);
    const nameCache = (field: string | undefined) => new NameCache(rules, field, (secret) => replacer.name(secret));
    const keys = keyRules(isSecretKey, nameCache(undefined));
    const walker = new PayloadWalker(rules, replacer, keys);
    const payloads = new PayloadRules(walker, keys, { key: nameCache('key'), name: nameCache('name'), model: nameCache('model'), provider: nameCache('provider'), mime: nameCache('mime') });
    const envelope = new EnvelopeRules(rules, nameCache('op_name'), salt);
    // guard() is how a processor reports a callback's throw; here the throw is caught first (to
    // mask the event), so each part gets a guard whose function rethrows what it is given.
    const rethrow = (error: unknown): void => {
      throw error;
    };
    const report = Object.fromEntries(FAILED_PARTS.map((part) => [part, guard(part, rethrow, () => undefined)])) as Record<FailedPart, (error: unknown) => void>;

    const redactEvent = (event: TraceEvent): TraceEvent => {
      const requestId = event.request_id;
      const requestOut = envelope.requestId(requestId);
      walker.requestId = requestId;
      const eventId = envelope.eventId(event.event_id, requestId, requestOut);
      const opName = envelope.opName(event.op_name);
      const ctx = envelope.ctx(event.ctx, event.op_name, opName);
      const payload = payloads.redact(event.kind, event.payload as Readonly<Record<string, unknown>>);
      if (eventId === event.event_id && requestOut === requestId && opName === event.op_name && ctx === event.ctx && payload === event.payload) return event;
      return Object.freeze({
        event_id: eventId,
        request_id: requestOut,
        kind: event.kind,
        op_name: opName,
        ctx,
        timestamp: event.timestamp,
        seq: event.seq,
        payload,
      }) as TraceEvent;
    };

    /** An end marker: only its ids (its value holds no user content, and it must stay recognisable). */
    const redactEnd = (event: TraceEvent): TraceEvent => {
      const requestOut = envelope.requestId(event.request_id);
      if (requestOut === event.request_id) return event;
      return Object.freeze({ ...event, request_id: requestOut, event_id: envelope.eventId(event.event_id, event.request_id, requestOut) });
    };

    return {
      next(event) {
        let end = false;
        let out: TraceEvent;
        try {
          end = isRequestEnd(event);
          out = end ? redactEnd(event) : redactEvent(event);
        } catch (error) {
          const failure = asFailure(error);
          report[failure.part](reportedError(failure));
          changed('failed_closed');
          return emit(end ? endMarkerClosed(event, envelope) : failClosed(event, envelope));
        }
        if (out !== event) changed('redacted');
        emit(out);
      },
    };
  });
}
