import { DIGIT, isAt, runEnd, scanWork, type Detector } from '../detector.js';

/**
 * Payment card numbers: 13 to 19 digits, together or in groups separated by one space, `-` or
 * `.`, that pass the Luhn check. To keep ids, timestamps and dates, a candidate must also:
 * - be a whole run of digits (a 20-digit id holds no card) that starts with 2–6, the first digit
 *   of every card network's numbers (2 and 5 Mastercard, 3 Amex, Diners and JCB, 4 Visa, 6
 *   Discover, UnionPay and Maestro), so 13-digit millisecond timestamps (`1764615600000`, 1 until
 *   the year 2286) and ids that start with 0, 1, 7–9 stay; a card passed as a number is such a run;
 * - or whole groups of a grouped run, every group but the last of at least 3 digits
 *   (`4111 1111 1111 1111`, `3782 822463 10005`, `0000-0000-0000-0000`: written in groups it is a
 *   card whatever it starts with; not `3.141592653589793` nor a list of single digits).
 * Within a longer run of groups (`qty 3 4111 1111 1111 1111`) the longest such window from each
 * group is taken. The span is the card's digits and separators. Luhn lets 1 in 10 random digit
 * strings through: an order id of 16 digits that starts with 2–6 is redacted 1 time in 10.
 */

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;
const MIN_INNER_GROUP = 3;

/** True when the digits of `text` pass the Luhn checksum (card numbers): 13 to 19 digits, any separators. */
export function passesLuhn(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return false;
  return luhnOfGroups(digits, [0, digits.length], 0, 0) % 10 === 0;
}

/** A run of at least 3 digits: where a card's first group can be (every group but the last holds 3 or more). */
const RUN_RE = /[0-9]{3,}/g;

/** The start of the next run of 3 or more digits at or after `from`, or -1. Linear: at most 3 tries per position. */
function nextRun(text: string, from: number): number {
  RUN_RE.lastIndex = from;
  const match = RUN_RE.exec(text);
  const at = match === null ? -1 : match.index;
  scanWork.steps += 3 * (at < 0 ? text.length - from : at - from) + 1;
  return at;
}

function isSeparator(code: number): boolean {
  return code === 32 || code === 45 || code === 46;
}

/** Checks the windows of one run of digit groups (flat [start, end, start, end…]). */
function scanGroups(text: string, groups: number[], found: (start: number, end: number) => void): void {
  const count = groups.length / 2;
  let s = 0;
  while (s < count) {
    const first = text.charCodeAt(groups[2 * s]!);
    const plausible = first >= 50 && first <= 54;
    let best = -1;
    {
      let digits = 0;
      for (let e = s; e < count; e++) {
        scanWork.steps++;
        const size = groups[2 * e + 1]! - groups[2 * e]!;
        digits += size;
        if (digits > MAX_DIGITS) break;
        // A lone run must start like a card; written in groups it is a card whatever it starts with.
        if (digits >= MIN_DIGITS && (plausible || e > s) && luhnOfGroups(text, groups, s, e) % 10 === 0) best = e;
        if (size < MIN_INNER_GROUP) break; // a short group may only end a window
      }
    }
    if (best >= 0) {
      found(groups[2 * s]!, groups[2 * best + 1]!);
      s = best + 1;
    } else s++;
  }
}

/** The Luhn sum of the digits of groups s…e. */
function luhnOfGroups(text: string, groups: number[], s: number, e: number): number {
  let sum = 0;
  let k = 0;
  for (let g = e; g >= s; g--) {
    for (let i = groups[2 * g + 1]! - 1; i >= groups[2 * g]!; i--, k++) {
      let d = text.charCodeAt(i) - 48;
      if (k % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
  }
  scanWork.steps += k;
  return sum;
}

export const cardDetector: Detector = {
  name: 'card',
  kind: 'pii',
  scan(text, found) {
    let from = 0;
    while (from < text.length) {
      const at = nextRun(text, from);
      if (at < 0) return;
      // One run of digit groups from there: digits, then (one separator, digits)*.
      const groups: number[] = [];
      let i = at;
      for (;;) {
        const end = runEnd(text, i, DIGIT);
        groups.push(i, end);
        if (isSeparator(text.charCodeAt(end)) && isAt(text, end + 1, DIGIT)) i = end + 1;
        else {
          i = end;
          break;
        }
      }
      scanGroups(text, groups, found);
      from = i;
    }
  },
};
