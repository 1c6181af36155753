import { DIGIT, isAt, runEnd, scanWork, type Detector } from '../detector.js';

/**
 * Payment card numbers: 13 to 19 digits, together or in groups separated by 1 to 3 of space,
 * `-`, `.`, `_`, `/` (`4111 1111 1111 1111`, `4111 - 1111 - …`), that pass the Luhn check. To keep ids, timestamps and dates, a candidate must also:
 * - be a whole run of digits (a 20-digit id holds no card) that starts with 2–6, the first digit
 *   of every card network's numbers (2 and 5 Mastercard, 3 Amex, Diners and JCB, 4 Visa, 6
 *   Discover, UnionPay and Maestro), so 13-digit millisecond timestamps (`1764615600000`, 1 until
 *   the year 2286) and ids that start with 0, 1, 7–9 stay; a card passed as a number is such a run;
 * - or whole groups of a grouped run, every group but the last of at least 2 digits
 *   (`4111 1111 1111 1111`, `3782 822463 10005`, `0000-0000-0000-0000`: written in groups it is a
 *   card whatever it starts with; not `3.141592653589793` nor a list of single digits).
 * Within a longer run of groups (`qty 3 4111 1111 1111 1111`) the longest such window from each
 * group is taken. The span is the card's digits and separators. Luhn lets 1 in 10 random digit
 * strings through: an order id of 16 digits that starts with 2–6 is redacted 1 time in 10.
 */

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;
const MIN_INNER_GROUP = 2;
/** A digit's Luhn value when doubled. */
const DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
/** Most separator characters between two groups (`4111 - 1111`). */
const MAX_SEPARATOR = 3;

/** True when the digits of `text` pass the Luhn checksum (card numbers): 13 to 19 digits, any separators. */
export function passesLuhn(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return false;
  let sum = 0;
  for (let k = 0; k < digits.length; k++) {
    const d = digits.charCodeAt(digits.length - 1 - k) - 48;
    sum += k % 2 === 1 ? DOUBLED[d]! : d;
  }
  return sum % 10 === 0;
}

/** A run of at least `MIN_INNER_GROUP` digits: where a card's first group can be (every group but the last holds as many). */
const RUN_RE = /[0-9]{2,}/g;

/** The start of the next run of 2 or more digits at or after `from`, or -1. Linear: at most 2 tries per position. */
function nextRun(text: string, from: number): number {
  RUN_RE.lastIndex = from;
  const match = RUN_RE.exec(text);
  const at = match === null ? -1 : match.index;
  scanWork.steps += 2 * (at < 0 ? text.length - from : at - from) + 1;
  return at;
}

function isSeparator(code: number): boolean {
  return code === 32 || code === 45 || code === 46 || code === 95 || code === 47; // space - . _ /
}

/** The end of the separator (1 to `MAX_SEPARATOR` of ` -._/`) at `at` when a digit follows it, else -1. */
function separatorEnd(text: string, at: number): number {
  let i = at;
  while (i < at + MAX_SEPARATOR && isSeparator(text.charCodeAt(i))) i++;
  return i > at && isAt(text, i, DIGIT) ? i : -1;
}

/**
 * Checks the windows of one run of digit groups (flat [start, end, start, end…]). From each
 * group the window grows group by group keeping two Luhn sums (digits at even or at odd
 * offsets from its start doubled): which one is the window's depends only on its length's
 * parity, so each window is checked without reading its digits again.
 */
function scanGroups(text: string, groups: number[], found: (start: number, end: number) => void): void {
  const count = groups.length / 2;
  let s = 0;
  while (s < count) {
    const first = text.charCodeAt(groups[2 * s]!);
    const plausible = first >= 50 && first <= 54;
    let best = -1;
    let digits = 0;
    let evenDoubled = 0;
    let oddDoubled = 0;
    for (let e = s; e < count; e++) {
      const from = groups[2 * e]!;
      const size = groups[2 * e + 1]! - from;
      if (digits + size > MAX_DIGITS) break;
      for (let i = 0; i < size; i++, digits++) {
        const d = text.charCodeAt(from + i) - 48;
        if (digits % 2 === 0) {
          evenDoubled += DOUBLED[d]!;
          oddDoubled += d;
        } else {
          evenDoubled += d;
          oddDoubled += DOUBLED[d]!;
        }
      }
      scanWork.steps += size + 1;
      // The last digit is never doubled: with an even length the even offsets are, else the odd ones.
      const sum = digits % 2 === 0 ? evenDoubled : oddDoubled;
      // A lone run must start like a card; written in groups it is a card whatever it starts with.
      if (digits >= MIN_DIGITS && (plausible || e > s) && sum % 10 === 0) best = e;
      if (size < MIN_INNER_GROUP) break; // a short group may only end a window
    }
    if (best >= 0) {
      found(groups[2 * s]!, groups[2 * best + 1]!);
      s = best + 1;
    } else s++;
  }
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
        const next = separatorEnd(text, end);
        if (next >= 0) i = next;
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
