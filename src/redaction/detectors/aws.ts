import { B64, DIGIT, EQUALS, UPPER, collectInto, eachIndex, reportInOrder, isAt, nameBefore, nameMatcher, runEnd, scanWork, type Detector, type NameSpan } from '../detector.js';
import { valueStart } from './value.js';

/**
 * AWS credentials:
 * - access key ids: `AKIA` (long-term) or `ASIA` (temporary) and 16 more of [A-Z0-9], glued to
 *   preceding text or not; the span is the id (and any [A-Z0-9] glued after it);
 * - secret access keys: a run of 40 (or more, when glued to more) base64 characters
 *   (`wJalrXUtnFEMI/K7MDENG/…`) that starts within `NEAR` characters of an access key id (before
 *   or after it: `id,secret` CSV lines, `id secret`), or is the value of a name that ends with
 *   `secretaccesskey` / `secretkey` after folding (`aws_secret_access_key = …`,
 *   `"SecretAccessKey": "…"`); the span is the run.
 */

const ID_BODY = 16;
const SECRET_LENGTH = 40;
/** How far from an access key id its secret key may be, in characters. */
const NEAR = 100;
const isSecretKeyName = nameMatcher([], ['secretaccesskey', 'secretkey']);

/**
 * The runs of at least 40 base64 characters that start in [from, to): found(start, end) for
 * each (a run glued to more base64 is redacted whole). A run already under way at `from` was
 * looked at before, or starts too far away. Returns how far it read.
 */
function secretRunsIn(text: string, from: number, to: number, found: (start: number, end: number) => void): number {
  const stop = Math.min(to, text.length);
  let i = Math.max(from, 0);
  if (isAt(text, i - 1, B64)) i = runEnd(text, i, B64, stop);
  while (i < stop) {
    if (!isAt(text, i, B64)) {
      i++;
      scanWork.steps++;
      continue;
    }
    const end = runEnd(text, i, B64);
    if (end - i >= SECRET_LENGTH) found(i, runEnd(text, end, EQUALS));
    i = end;
  }
  return i;
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
      if (searchedTo < start) secretRunsIn(text, Math.max(searchedTo, start - NEAR), start, push);
      searchedTo = secretRunsIn(text, Math.max(searchedTo, end), end + NEAR, push);
    }
    const name: NameSpan = { start: 0, end: 0 };
    for (const separator of ['=', ':']) {
      eachIndex(text, separator, (at) => {
        if (!isSecretKeyName(text, nameBefore(text, at, 0, name))) return at + 1;
        const value = valueStart(text, at + 1);
        if (value === undefined) return at + 1;
        const runTo = runEnd(text, value.start, B64);
        if (runTo - value.start < SECRET_LENGTH) return at + 1;
        push(value.start, runEnd(text, runTo, EQUALS));
        return runTo;
      });
    }
    reportInOrder(spans, found);
  },
};
