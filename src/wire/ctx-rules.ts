/**
 * How a ctx's last segment says who the parent is (wire format, "ctx"):
 * - `invocation`: optrail's `name#k`; the parent is the invocation at ctx minus that segment;
 * - `item`: operonx's `[i]` (Python) or `yield_i` (Rust); the parent is the generator op at ctx
 *   minus that segment;
 * - `shared`: an operonx scheduler ctx shared by sibling ops; they sit at the top.
 */
export type ParentRule = 'invocation' | 'item' | 'shared';

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** The rule of a ctx's last segment; char checks rather than regexes, as views call it per op. */
export function parentRule(lastSegment: string): ParentRule {
  const n = lastSegment.length;
  let digitsFrom = n;
  while (digitsFrom > 0 && isDigit(lastSegment.charCodeAt(digitsFrom - 1))) digitsFrom--;
  if (digitsFrom < n) {
    if (digitsFrom > 0 && lastSegment.charCodeAt(digitsFrom - 1) === 35 /* # */) return 'invocation';
    if (digitsFrom === 6 && lastSegment.startsWith('yield_')) return 'item';
    return 'shared';
  }
  if (n < 3 || lastSegment.charCodeAt(0) !== 91 /* [ */ || lastSegment.charCodeAt(n - 1) !== 93 /* ] */) return 'shared';
  for (let i = 1; i < n - 1; i++) if (!isDigit(lastSegment.charCodeAt(i))) return 'shared';
  return 'item';
}
