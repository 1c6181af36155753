/**
 * How a ctx's last segment says who the parent is (wire format, "ctx"):
 * - `invocation`: optrail's `name#k`; the parent is the invocation at ctx minus that segment;
 * - `item`: operonx's `[i]` (Python) or `yield_i` (Rust); the parent is the generator op at ctx
 *   minus that segment;
 * - `shared`: an operonx scheduler ctx shared by sibling ops; they sit at the top.
 */
export type ParentRule = 'invocation' | 'item' | 'shared';

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * optrail's invocation segment, `name#k`, the one place it is made and read: the `k`-th call
 * (from 0) of op `name` under one parent. Segments are made per call, so the recording side
 * keeps `invocationPrefix(name)` and appends `k` (`childCtx`).
 */
export function invocationPrefix(name: string): string {
  return name + '#';
}

/** The segment of the `k`-th invocation of `name` (`name#k`); also the key of the k-th group `name` in OTLP span ids. */
export function invocationSegment(name: string, k: number): string {
  return invocationPrefix(name) + k;
}

/** Where the digits of a segment's trailing run start (its length when it ends with none). */
function trailingDigitsFrom(segment: string): number {
  let i = segment.length;
  while (i > 0 && isDigit(segment.charCodeAt(i - 1))) i--;
  return i;
}

/**
 * Where the `#` of an invocation segment's `#k` starts, or -1 when `segment` is no `name#k`
 * (the name may be empty: `#7`). `maxDigits` caps `k` (redaction keeps at most 9 digits: a
 * longer run is not optrail's numbering and may be a secret's).
 */
export function invocationStart(segment: string, maxDigits = Infinity): number {
  const from = trailingDigitsFrom(segment);
  return from < segment.length && from > 0 && segment.charCodeAt(from - 1) === 35 /* # */ && segment.length - from <= maxDigits ? from - 1 : -1;
}

/** True when `segment` is `opName#k`: an optrail invocation segment that names its op. */
export function isInvocationOf(segment: string, opName: string, maxDigits = Infinity): boolean {
  return invocationStart(segment, maxDigits) === opName.length && segment.startsWith(opName);
}

/** The rule of a ctx's last segment; char checks rather than regexes, as views call it per op. */
export function parentRule(lastSegment: string): ParentRule {
  const n = lastSegment.length;
  const digitsFrom = trailingDigitsFrom(lastSegment);
  if (digitsFrom < n) {
    if (digitsFrom > 0 && lastSegment.charCodeAt(digitsFrom - 1) === 35 /* # */) return 'invocation';
    if (digitsFrom === 6 && lastSegment.startsWith('yield_')) return 'item';
    return 'shared';
  }
  if (n < 3 || lastSegment.charCodeAt(0) !== 91 /* [ */ || lastSegment.charCodeAt(n - 1) !== 93 /* ] */) return 'shared';
  for (let i = 1; i < n - 1; i++) if (!isDigit(lastSegment.charCodeAt(i))) return 'shared';
  return 'item';
}
