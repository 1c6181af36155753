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
export const BACKSLASH = 8192;
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
  ['%', PERCENT], [' ', SPACE], ['\t', SPACE], ['"', QUOTE], ["'", QUOTE], ['`', QUOTE], ['\\', BACKSLASH],
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

/**
 * A `found` callback that appends each span to `spans`, for detectors that look in several passes
 * and report in start order with `reportInOrder`. (Made by a function, not written inline as a
 * named closure: esbuild's keepNames, which tsx applies, makes every named closure cost a
 * defineProperty each time it is created.)
 */
export function collectInto(spans: Array<[number, number]>): (start: number, end: number) => void {
  return (start, end) => {
    spans.push([start, end]);
  };
}

/** Calls found(start, end) for each span, in increasing start order. */
export function reportInOrder(spans: Array<[number, number]>, found: (start: number, end: number) => void): void {
  if (spans.length > 1) spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [start, end] of spans) found(start, end);
}

/** Longest key name read back from a separator (`db_password` in `db_password=…`). */
export const MAX_NAME_LENGTH = 64;

/** A key name written in text: [start, end) of `db_password` in `"db_password" = …`. */
export interface NameSpan {
  start: number;
  end: number;
}

/**
 * The key name that ends just before the separator at `separator`, after skipping spaces and
 * one closing quote before it (as in `"api_key" :`, or `\"api_key\":` in text inside a JSON
 * string): its letters, digits, `_`, `-` and `.`, at
 * most `MAX_NAME_LENGTH` of them and none before `floor`. Written into `into` (empty when none).
 */
export function nameBefore(text: string, separator: number, floor: number, into: NameSpan): NameSpan {
  if (!isAt(text, separator - 1, NAME | SPACE | QUOTE | BACKSLASH)) {
    // nothing name-like before it (`::`, `:=`, `) =`… are common): no name, at the cost of one look
    into.start = into.end = separator;
    return into;
  }
  let end = runStart(text, separator, SPACE, Math.max(floor, separator - 8));
  if (end > floor && isAt(text, end - 1, QUOTE)) end--;
  if (end > floor && text.charCodeAt(end - 1) === 92) end--; // `\"api_key\":` inside a JSON string
  into.start = runStart(text, end, NAME, Math.max(floor, end - MAX_NAME_LENGTH));
  into.end = end;
  return into;
}

/**
 * Where the name in [start, end) ends with `ending` (lowercase letters and digits) once folded
 * (case ignored, `_` `-` `.` skipped: `X-Api-Key` ends with `apikey`): the index in the text
 * where the match begins, or -1.
 */
function foldedEnding(text: string, start: number, end: number, ending: string): number {
  let i = end - 1;
  let k = ending.length - 1;
  while (k >= 0) {
    if (i < start) return -1;
    let code = text.charCodeAt(i);
    if (code === 45 || code === 95 || code === 46) {
      i--;
      continue;
    }
    if (code >= 65 && code <= 90) code |= 32;
    if (code !== ending.charCodeAt(k)) return -1;
    i--;
    k--;
  }
  scanWork.steps += end - i;
  return i + 1;
}

/** True when only `_` `-` `.` are in [start, end). */
function onlySeparators(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code !== 45 && code !== 95 && code !== 46) return false;
  }
  return true;
}

/** Decides whether a key name written in text is secret. */
export type NameMatcher = (text: string, name: NameSpan) => boolean;

/**
 * A matcher of names that, folded, are one of `exact` or end with one of `endings` (all in
 * lowercase letters and digits). Candidates are looked up by the name's last letter, so most
 * names are rejected after reading one character.
 */
export function nameMatcher(exact: readonly string[], endings: readonly string[]): NameMatcher {
  const byLast: Array<Array<{ word: string; exact: boolean }> | undefined> = [];
  for (const [words, isExact] of [[endings, false], [exact, true]] as const) {
    for (const word of words) (byLast[word.charCodeAt(word.length - 1)] ??= []).push({ word, exact: isExact });
  }
  return (text, name) => {
    let last = name.end - 1;
    while (last >= name.start && onlySeparators(text, last, last + 1)) last--;
    if (last < name.start) return false;
    let code = text.charCodeAt(last);
    if (code >= 65 && code <= 90) code |= 32;
    const candidates = byLast[code];
    if (candidates === undefined) return false;
    for (const candidate of candidates) {
      const at = foldedEnding(text, name.start, last + 1, candidate.word);
      if (at >= 0 && (!candidate.exact || onlySeparators(text, name.start, at))) return true;
    }
    return false;
  };
}
