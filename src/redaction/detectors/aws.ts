import { B64, DIGIT, EQUALS, UPPER, collectInto, eachIndex, reportInOrder, isAt, nameBefore, nameMatcher, runEnd, scanWork, type Detector, type NameSpan } from '../detector.js';
import { valueStart } from './value.js';

/**
 * AWS credentials:
 * - access key ids: `AKIA` (long-term) or `ASIA` (temporary) and 16 more of [A-Z0-9], glued to
 *   preceding text or not; the span is the id (and any [A-Z0-9] glued after it);
 * - secret access keys: a run of exactly 40 base64 characters (`wJalrXUtnFEMI/K7MDENG/…`) within
 *   `NEAR` characters of an access key id (before or after it: `id,secret` CSV lines, `id secret`),
 *   or the value of a name that ends with `secretaccesskey` / `secretkey` after folding
 *   (`aws_secret_access_key = …`, `"SecretAccessKey": "…"`); the span is the 40 characters.
 */

const ID_BODY = 16;
const SECRET_LENGTH = 40;
/** How far from an access key id its secret key may be, in characters. */
const NEAR = 100;
const isSecretKeyName = nameMatcher([], ['secretaccesskey', 'secretkey']);

/** The 40-character base64 runs that start in [from, to): found(start, end) for each. */
function secretRunsIn(text: string, from: number, to: number, found: (start: number, end: number) => void): void {
  let i = Math.max(from, 0);
  const stop = Math.min(to, text.length);
  scanWork.steps += Math.max(0, stop - i);
  while (i < stop) {
    if (!isAt(text, i, B64)) {
      i++;
      continue;
    }
    // A run of exactly 40: read at most 41 so a long run costs no more than a short one.
    const end = runEnd(text, i, B64, Math.min(text.length, i + SECRET_LENGTH + 1));
    if (end - i === SECRET_LENGTH && !isAt(text, end, B64 | EQUALS) && !isAt(text, i - 1, B64)) found(i, end);
    i = end === i + SECRET_LENGTH + 1 ? runEnd(text, end, B64, stop) : end;
  }
}

/** Access key ids as [start, end) pairs, in order. */
function accessKeyIds(text: string): Array<[number, number]> {
  const ids: Array<[number, number]> = [];
  eachIndex(text, 'IA', (at) => {
    // at is the `I` of AKIA / ASIA
    if (at < 2 || text.charCodeAt(at - 2) !== 65) return at + 1;
    const second = text.charCodeAt(at - 1);
    if (second !== 75 && second !== 83) return at + 1;
    const end = runEnd(text, at + 2, UPPER | DIGIT);
    if (end - (at + 2) < ID_BODY) return end;
    ids.push([at - 2, end]);
    return end;
  });
  return ids;
}

export const awsDetector: Detector = {
  name: 'aws',
  kind: 'credential',
  scan(text, found) {
    const spans: Array<[number, number]> = [];
    const push = collectInto(spans);
    let searchedTo = 0; // secrets near ids are looked for once per character
    for (const [start, end] of accessKeyIds(text)) {
      push(start, end);
      secretRunsIn(text, Math.max(searchedTo, start - NEAR), start, push);
      secretRunsIn(text, end, end + NEAR, push);
      searchedTo = end + NEAR;
    }
    const name: NameSpan = { start: 0, end: 0 };
    for (const separator of ['=', ':']) {
      eachIndex(text, separator, (at) => {
        if (!isSecretKeyName(text, nameBefore(text, at, 0, name))) return at + 1;
        const value = valueStart(text, at + 1);
        if (value === undefined) return at + 1;
        const runTo = runEnd(text, value.start, B64, Math.min(text.length, value.start + SECRET_LENGTH + 1));
        if (runTo - value.start === SECRET_LENGTH && !isAt(text, runTo, EQUALS)) push(value.start, runTo);
        return at + 1;
      });
    }
    reportInOrder(spans, found);
  },
};
