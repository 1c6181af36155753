import { DIGIT, eachIndex, isAt, reportInOrder, runEnd, scanWork, type Detector } from '../detector.js';

/**
 * Phone numbers in common written formats:
 * - international: `+` and 8 to 15 digits (E.164) in groups separated by one space, `.` or
 *   `-`, a group may be in parentheses: `+351 912 345 678`, `+44 20 7946 0958`,
 *   `+1 (555) 123-4567`, `+14155550123`; not after a digit (`1+2345678`), not `+2026-11-22`;
 * - North American: `(555) 123-4567`, `(555)123-4567`, `555-123-4567`, `555.123.4567` (exactly
 *   3, 3 and 4 digits, one separator kind, no digit glued on either side).
 * Dates (`2026-11-22`: 4-2-2), times (`12:00:00`) and digit runs without separators
 * (`5551234567`, ids) are not phone numbers; neither are space-separated 3-3-4 groups
 * (`555 123 4567` reads as three numbers). The span is the number, `+` and parentheses included.
 */

const MIN_INTERNATIONAL = 8;
const MAX_INTERNATIONAL = 15;

/** Exactly `count` digits at `at`, no more. */
function digitsAt(text: string, at: number, count: number): boolean {
  return runEnd(text, at, DIGIT, Math.min(text.length, at + count + 1)) - at === count;
}

/** True when the first groups are a date `2026-11-22` (4, 2 and 2 digits joined by `-`). */
function isDate(text: string, groups: number[]): boolean {
  if (groups.length < 3) return false;
  const [year, month, day] = groups as [number, number, number];
  return month === year + 5 && day === month + 3 && text.charCodeAt(year + 4) === 45 && text.charCodeAt(month + 2) === 45;
}

/** The end of an international number whose `+` is at `at`, or -1. */
function international(text: string, at: number): number {
  if (isAt(text, at - 1, DIGIT) || !isAt(text, at + 1, DIGIT) || text.charCodeAt(at + 1) === 48) return -1;
  let i = at + 1;
  let digits = 0;
  let lastDigitEnd = -1;
  const groups: number[] = []; // start of each group of digits
  const limit = Math.min(text.length, at + 3 * MAX_INTERNATIONAL);
  while (i < limit) {
    const end = runEnd(text, i, DIGIT, limit);
    if (end > i) {
      digits += end - i;
      groups.push(i);
      lastDigitEnd = end;
      if (digits > MAX_INTERNATIONAL) return -1;
      i = end;
    }
    // between groups: one of ` .-`, or a parenthesis with at most one space beside it
    let gap = 0;
    while (i < limit && gap < 2) {
      const code = text.charCodeAt(i);
      if (code === 32 || code === 46 || code === 45 || code === 40 || code === 41) {
        i++;
        gap++;
      } else break;
    }
    if (!isAt(text, i, DIGIT)) break;
  }
  scanWork.steps += i - at;
  if (digits < MIN_INTERNATIONAL || digits > MAX_INTERNATIONAL || isAt(text, lastDigitEnd, DIGIT)) return -1;
  if (isDate(text, groups)) return -1;
  return lastDigitEnd;
}

/** The end of `(555) 123-4567` whose `(` is at `at`, or -1. */
function parenthesized(text: string, at: number): number {
  if (!digitsAt(text, at + 1, 3) || text.charCodeAt(at + 4) !== 41) return -1;
  let i = at + 5;
  if (text.charCodeAt(i) === 32) i++;
  if (!digitsAt(text, i, 3)) return -1;
  const separator = text.charCodeAt(i + 3);
  if (separator !== 45 && separator !== 46 && separator !== 32) return -1;
  if (!digitsAt(text, i + 4, 4)) return -1;
  return i + 8;
}

/** The span of `555-123-4567` whose first separator is at `at` (`-` or `.`), or undefined. */
function northAmerican(text: string, at: number): [number, number] | undefined {
  const start = at - 3;
  if (start < 0 || isAt(text, start - 1, DIGIT) || !digitsAt(text, start, 3)) return undefined;
  const separator = text.charCodeAt(at);
  if (!digitsAt(text, at + 1, 3) || text.charCodeAt(at + 4) !== separator || !digitsAt(text, at + 5, 4)) return undefined;
  // `555-123-4567-89` is something else
  if (text.charCodeAt(at + 9) === separator && isAt(text, at + 10, DIGIT)) return undefined;
  return [start, at + 9];
}

export const phoneDetector: Detector = {
  name: 'phone',
  kind: 'pii',
  scan(text, found) {
    const spans: Array<[number, number]> = [];
    eachIndex(text, '+', (at) => {
      const end = international(text, at);
      if (end < 0) return at + 1;
      spans.push([at, end]);
      return end;
    });
    eachIndex(text, '(', (at) => {
      const end = parenthesized(text, at);
      if (end < 0) return at + 1;
      spans.push([at, end]);
      return end;
    });
    for (const separator of ['-', '.']) {
      eachIndex(text, separator, (at) => {
        const span = northAmerican(text, at);
        if (span === undefined) return at + 1;
        spans.push(span);
        return span[1];
      });
    }
    reportInOrder(spans, found);
  },
};
