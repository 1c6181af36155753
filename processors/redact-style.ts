/**
 * What `redact()` puts in place of a secret, by style, and the one rule every token obeys: it
 * never holds 4 or more consecutive characters of the secret it replaces (the leak definition of
 * issue 15), so a token that would (a label the secret contains, a hash that happens to share
 * hex digits with a hex secret) falls back to one that does not.
 */
import { createHash } from 'node:crypto';
import { REDACTED } from '../src/base/defaults.js';
import { BoundedMap } from './define.js';

/**
 * How a secret is replaced:
 * - `full`: `<redacted>` (the default);
 * - `partial`: `<kind…abc>`: what found it (a detector such as `email`, your pattern's name, or
 *   the secret key's name) and the last 3 characters of a secret of 16 characters or more;
 *   shorter secrets keep none (`<email>`). Never 4 characters of the secret;
 * - `hash`: `<hash:` 12 hex digits `>` of a salted SHA-256: the same secret gives the same
 *   token under the same `hashSalt`, so values can still be compared;
 * - `indexed`: `[EMAIL_1]`, `[PASSWORD_2]`: numbered per kind, the same secret gets the same
 *   token within a request.
 */
export type RedactStyle = 'full' | 'partial' | 'hash' | 'indexed';

/** Every style, for checking an option. */
export const REDACT_STYLES: readonly RedactStyle[] = ['full', 'partial', 'hash', 'indexed'];

/** Secrets shorter than this keep no character in style `partial`. */
const PARTIAL_MIN_LENGTH = 16;
/** Characters of a long secret that `partial` keeps: 3, below the 4 that make a leak. */
const PARTIAL_KEPT = 3;
/** The last resort: three characters cannot hold a run of four. */
const SHORTEST = '<*>';
const GENERIC = '<secret>';
/** Labels (a key name, a pattern's name) are cut to this many characters in tokens. */
const MAX_LABEL = 32;
/** Requests whose indexed tokens are remembered (the same secret, the same token). */
const INDEXED_REQUESTS = 10_000;
/** Hash attempts (with a counter) before a hash that shares 4 characters with its secret gives up. */
const HASH_ATTEMPTS = 8;

/** One pattern per fixed token matching any of its 4-character runs (most replacements are `<redacted>`: one test, not 7 searches). */
const FIXED_RUNS = new Map<string, RegExp>();
for (const token of [REDACTED, GENERIC]) {
  const runs = Array.from({ length: token.length - 3 }, (_, i) => token.slice(i, i + 4).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  FIXED_RUNS.set(token, new RegExp(runs.join('|')));
}

/** True when `token` and `secret` share a run of 4 or more consecutive characters. */
export function sharesRun(token: string, secret: string): boolean {
  if (token.length < 4 || secret.length < 4) return false;
  const fixed = FIXED_RUNS.get(token);
  if (fixed !== undefined) return fixed.test(secret);
  if (token.length <= 64) {
    for (let i = 0; i + 4 <= token.length; i++) if (secret.includes(token.slice(i, i + 4))) return true;
    return false;
  }
  // Long texts (a reported message against the text it was given): one pass over each.
  const runs = new Set<string>();
  for (let i = 0; i + 4 <= token.length; i++) runs.add(token.slice(i, i + 4));
  for (let i = 0; i + 4 <= secret.length; i++) if (runs.has(secret.slice(i, i + 4))) return true;
  return false;
}

/** The first of `tokens` that shares no 4 characters with `secret`, else `<*>`. */
function firstSafe(secret: string | undefined, ...tokens: string[]): string {
  if (secret === undefined || secret.length < 4) return tokens[0]!;
  for (const token of tokens) if (!sharesRun(token, secret)) return token;
  return SHORTEST;
}

/** A label as tokens show it: letters, digits, `_ . -` only, at most 32 characters. */
export function cleanLabel(label: string): string {
  const cleaned = label.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, MAX_LABEL);
  return cleaned === '' || cleaned === '_' ? 'secret' : cleaned;
}

/** `orderId`, `x-api-key` → `ORDER_ID`, `X_API_KEY` (the tag of indexed tokens). */
function tagOf(label: string): string {
  const tag = label
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return tag === '' ? 'SECRET' : tag;
}

/** Replaces secrets in one subscription of `redact()` (indexed tokens are numbered per request). */
export class Replacer {
  private readonly indexed = new BoundedMap<string, { tokens: Map<string, string>; counts: Map<string, number> }>(INDEXED_REQUESTS);

  constructor(
    private readonly style: RedactStyle,
    private readonly salt: string,
  ) {}

  /**
   * The token for `secret` found in a value of request `requestId`; `label` says what found it
   * (a detector, a pattern's name, a secret key). `secret` undefined: a value that is not text
   * (an object under a secret key); `full` and `partial` never need its text.
   */
  value(secret: string | undefined, label: string, requestId: string, text?: () => string): string {
    switch (this.style) {
      case 'partial': {
        const shown = cleanLabel(label);
        const tail = secret !== undefined && secret.length >= PARTIAL_MIN_LENGTH ? `<${shown}…${secret.slice(-PARTIAL_KEPT)}>` : `<${shown}>`;
        return firstSafe(secret, tail, `<${shown}>`, GENERIC);
      }
      case 'hash':
        return this.hash(secret ?? text!());
      case 'indexed':
        return this.index(secret ?? text!(), cleanLabel(label), requestId);
      default:
        return firstSafe(secret, REDACTED, GENERIC);
    }
  }

  /**
   * The token for a secret in a name (op name, ctx segment, object or annotation key, group
   * name, model, mime): its hash whatever the style, so two names never become one (a tree, a
   * by-op view stay right), and the same name is the same text in every event and request.
   */
  name(secret: string): string {
    return this.hash(secret);
  }

  /** Whether `value` needs the text of a non-string value (hash and indexed tokens depend on it). */
  get needsText(): boolean {
    return this.style === 'hash' || this.style === 'indexed';
  }

  private hash(secret: string): string {
    for (let attempt = 0; attempt < HASH_ATTEMPTS; attempt++) {
      const digest = createHash('sha256').update(this.salt).update(secret);
      if (attempt > 0) digest.update(`\u0000${attempt}`);
      const token = `<hash:${digest.digest('hex').slice(0, 12)}>`;
      if (!sharesRun(token, secret)) return token;
    }
    return SHORTEST;
  }

  private index(secret: string, label: string, requestId: string): string {
    let request = this.indexed.get(requestId);
    if (request === undefined) {
      request = { tokens: new Map(), counts: new Map() };
      this.indexed.set(requestId, request);
    }
    const known = request.tokens.get(secret);
    if (known !== undefined) return known;
    const tag = tagOf(label);
    const n = (request.counts.get(tag) ?? 0) + 1;
    request.counts.set(tag, n);
    const token = firstSafe(secret, `[${tag}_${n}]`, `[SECRET_${n}]`);
    request.tokens.set(secret, token);
    return token;
  }
}
