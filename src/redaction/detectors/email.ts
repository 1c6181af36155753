import { ALNUM, DASH, DOT, PERCENT, PLUS, UNDERSCORE, eachIndex, isAt, scanWork, type Detector } from '../detector.js';

/**
 * E-mail addresses: a local part of letters (any script), digits and `. _ % + -`, an `@`, and a
 * domain of labels (letters, digits, `-`) whose last label is at least two ASCII letters (`ada@example.com`,
 * `a.b+tag@mail.example.co.uk`). Each `@` is looked at once: the local part is read back to the
 * previous `@` (or the previous address), the domain forward, so `a@`.repeat(n) is linear.
 * The span is the whole address.
 */

const LOCAL = ALNUM | DOT | UNDERSCORE | PERCENT | PLUS | DASH;
const DOMAIN = ALNUM | DASH | DOT;

/** Letters past ASCII (`josé@exemplo.pt`, internationalised domains); not spaces, punctuation or BOMs past ASCII. */
function isWideLetter(code: number): boolean {
  return code >= 0xc0 && !(code >= 0x2000 && code <= 0x206f) && code !== 0x3000 && code !== 0xfeff && code !== 0xd7 && code !== 0xf7;
}

/** The first index ≥ from whose code unit is not in `mask` nor a wide letter. */
function wideRunEnd(text: string, from: number, mask: number): number {
  let i = from;
  while (i < text.length && (isAt(text, i, mask) || isWideLetter(text.charCodeAt(i)))) i++;
  scanWork.steps += i - from + 1;
  return i;
}

/** The smallest index ≥ floor such that [index, from) is all in `mask` or wide letters. */
function wideRunStart(text: string, from: number, mask: number, floor: number): number {
  let i = from;
  while (i > floor && (isAt(text, i - 1, mask) || isWideLetter(text.charCodeAt(i - 1)))) i--;
  scanWork.steps += from - i + 1;
  return i;
}

/** The end of the domain that starts at `from` and ends before `to` (its last `.` + 2 letters), or -1. */
function domainEnd(text: string, from: number, to: number): number {
  let best = -1;
  let labelStart = from;
  for (let i = from; i < to; i++) {
    if (text.charCodeAt(i) !== 46) continue;
    if (i > labelStart) {
      // letters after this dot: the top-level domain candidate
      let j = i + 1;
      while (j < to) {
        const code = text.charCodeAt(j) | 32;
        if (code < 97 || code > 122) break;
        j++;
      }
      if (j - (i + 1) >= 2) best = j;
    }
    labelStart = i + 1;
  }
  scanWork.steps += 2 * (to - from) + 1;
  return best;
}

export const emailDetector: Detector = {
  name: 'email',
  kind: 'pii',
  scan(text, found) {
    let floor = 0;
    eachIndex(text, '@', (at) => {
      const start = wideRunStart(text, at, LOCAL, floor);
      const runTo = wideRunEnd(text, at + 1, DOMAIN);
      floor = runTo; // the next local part never reads back into this domain
      if (start === at) return runTo;
      const end = domainEnd(text, at + 1, runTo);
      if (end < 0) return runTo;
      found(start, end);
      return runTo;
    });
  },
};
