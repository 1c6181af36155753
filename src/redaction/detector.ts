/**
 * What a secret detector is, and the small scanning helpers every detector shares. Detectors are
 * hand-written scanners, never backtracking regular expressions: each finds its triggers with
 * `String.prototype.indexOf`, extends runs with char-code loops through the helpers below, and
 * never examines a run again from each position inside it, so a scan is linear in its input.
 * The helpers count what they examine in `scanWork`, which is how the tests prove it.
 */

/** Credential detectors: on by default in every pipeline. */
export type CredentialDetectorName =
  | 'openai'
  | 'anthropic'
  | 'aws'
  | 'github'
  | 'stripe'
  | 'slack'
  | 'google'
  | 'jwt'
  /** `Bearer x` / `Basic x`, the scheme in any case. */
  | 'authScheme'
  /** PEM private key blocks. */
  | 'privateKey'
  /** URL userinfo, and query parameters named like token/key/secret/password/signature. */
  | 'url'
  /** `postgres://u:p@h`, `mongodb+srv://…`, `Server=…;Password=…;`, `AccountKey=…`. */
  | 'connectionString'
  /** `password=…`, `secret: …`, `api_key="…"` in free text. */
  | 'assignment';
/** PII detectors: opt-in through `redact()`. */
export type PiiDetectorName = 'email' | 'card' | 'phone';
/** Every built-in detector. */
export type DetectorName = CredentialDetectorName | PiiDetectorName;

/** [start, end) in UTF-16 code units of one secret found in a text, and what found it. */
export interface SecretSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: string;
}

/** One built-in detector. */
export interface Detector {
  readonly name: DetectorName;
  readonly kind: 'credential' | 'pii';
  /**
   * Calls found(start, end) for every secret in text, in increasing start order. Linear in
   * text.length (hand-written; no backtracking regex over unbounded runs). Never throws on any string.
   */
  scan(text: string, found: (start: number, end: number) => void): void;
}

/**
 * Characters the built-in detectors (and the prefilter) have examined since a test set `steps`
 * to 0: every helper below adds what it looked at. For tests only: they assert that it stays
 * within a constant times the input's length (linear time, proven without timing).
 */
export const scanWork = { steps: 0 };

/* Character classes of ASCII code units, as bit flags (anything past 127 is in no class). */
export const DIGIT = 1;
export const UPPER = 2;
export const LOWER = 4;
export const DASH = 8;
export const UNDERSCORE = 16;
export const DOT = 32;
export const PLUS = 64;
export const SLASH = 128;
export const EQUALS = 256;
export const TILDE = 512;
export const PERCENT = 1024;
export const SPACE = 2048; // space and tab, not line breaks
export const QUOTE = 4096; // " ' `
export const ALNUM = DIGIT | UPPER | LOWER;
/** base64url: JWT segments, most API keys. */
export const B64URL = ALNUM | DASH | UNDERSCORE;
/** base64 without padding (AWS secret keys). */
export const B64 = ALNUM | PLUS | SLASH;
/** RFC 7235 token68 (Bearer / Basic credentials) without the trailing `=` padding. */
export const TOKEN68 = ALNUM | DASH | DOT | UNDERSCORE | TILDE | PLUS | SLASH;
/** The characters of a key name written in text (`db_password`, `x-api-key`, `aws.secret`). */
export const NAME = ALNUM | DASH | UNDERSCORE | DOT;

const CLASSES = new Uint16Array(128);
for (let c = 48; c <= 57; c++) CLASSES[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASSES[c] = UPPER;
for (let c = 97; c <= 122; c++) CLASSES[c] = LOWER;
const single: Array<[string, number]> = [
  ['-', DASH], ['_', UNDERSCORE], ['.', DOT], ['+', PLUS], ['/', SLASH], ['=', EQUALS], ['~', TILDE],
  ['%', PERCENT], [' ', SPACE], ['\t', SPACE], ['"', QUOTE], ["'", QUOTE], ['`', QUOTE],
];
for (const [ch, flag] of single) CLASSES[ch.charCodeAt(0)] = flag;

/** The class flags of the code unit `code` (0 past ASCII). */
export function classOf(code: number): number {
  return code < 128 ? CLASSES[code]! : 0;
}

/** True when the code unit at `i` is in `mask` (false out of range). */
export function isAt(text: string, i: number, mask: number): boolean {
  const code = text.charCodeAt(i); // NaN out of range: NaN < 128 is false
  return code < 128 && (CLASSES[code]! & mask) !== 0;
}

/** The first index ≥ `from` (and < `limit`) whose code unit is not in `mask`. */
export function runEnd(text: string, from: number, mask: number, limit: number = text.length): number {
  let i = from;
  while (i < limit) {
    const code = text.charCodeAt(i);
    if (code >= 128 || (CLASSES[code]! & mask) === 0) break;
    i++;
  }
  scanWork.steps += i - from + 1;
  return i;
}

/** The smallest index ≥ `floor` such that every code unit in [index, from) is in `mask`. */
export function runStart(text: string, from: number, mask: number, floor: number): number {
  let i = from;
  while (i > floor) {
    const code = text.charCodeAt(i - 1);
    if (code >= 128 || (CLASSES[code]! & mask) === 0) break;
    i--;
  }
  scanWork.steps += from - i + 1;
  return i;
}

/** `text.indexOf(needle, from)`, counted. */
export function indexFrom(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  scanWork.steps += (at < 0 ? text.length - from : at - from) + 1;
  return at;
}

/** True when `text` holds `lower` (lowercase ASCII letters and symbols) at `at`, in any letter case. */
export function foldedAt(text: string, at: number, lower: string): boolean {
  if (at < 0 || at + lower.length > text.length) return false;
  scanWork.steps += lower.length;
  for (let k = 0; k < lower.length; k++) {
    let code = text.charCodeAt(at + k);
    if (code >= 65 && code <= 90) code |= 32;
    if (code !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Every start of `needle` in `text`, in order, each counted: calls `at(index)`; `at` returns where to search next. */
export function eachIndex(text: string, needle: string, at: (index: number) => number): void {
  let from = 0;
  while (from <= text.length - needle.length) {
    const found = indexFrom(text, needle, from);
    if (found < 0) return;
    from = Math.max(at(found), found + 1);
  }
}

/** Longest key name read back from a separator (`db_password` in `db_password=…`). */
export const MAX_NAME_LENGTH = 64;

/**
 * The key name that ends just before `end` (after skipping spaces and one closing quote before
 * it, as in `"api_key" :`), folded to lowercase letters and digits (`X-Api-Key` → `xapikey`), or
 * '' when there is none. Reads at most `MAX_NAME_LENGTH` characters back and never before `floor`.
 * `nameStart` receives where the name begins.
 */
export function nameBefore(text: string, end: number, floor: number, nameStart?: (start: number) => void): string {
  let i = runStart(text, end, SPACE, Math.max(floor, end - 8));
  if (i > floor && isAt(text, i - 1, QUOTE)) i--;
  const start = runStart(text, i, NAME, Math.max(floor, i - MAX_NAME_LENGTH));
  nameStart?.(start);
  let folded = '';
  for (let k = start; k < i; k++) {
    let code = text.charCodeAt(k);
    if (code >= 65 && code <= 90) code |= 32;
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) folded += String.fromCharCode(code);
  }
  scanWork.steps += i - start;
  return folded;
}

/** True when `folded` is one of `exact` or ends with one of `endings`. */
export function nameMatches(folded: string, exact: readonly string[], endings: readonly string[]): boolean {
  if (folded === '') return false;
  if (exact.includes(folded)) return true;
  for (const ending of endings) if (folded.endsWith(ending)) return true;
  return false;
}
