import { EQUALS, SPACE, TOKEN68, foldedAt, indexFrom, reportInOrder, runEnd, scanWork, type Detector } from '../detector.js';

/**
 * HTTP `Bearer` and `Basic` credentials, the scheme in any letter case (`bearer`, `BEARER`,
 * `Authorization: basic dXNl…`), then spaces or tabs, then the credential (RFC 7235 token68).
 * The span is the credential only, so `Authorization: Bearer <redacted>` stays readable.
 * So that prose (`the bearer of bad news`, `basic information`) stays, a credential holds at
 * least `MIN_CREDENTIAL` characters and is not a plain word (`[A-Z]?[a-z]+`) shorter than
 * `PLAIN_WORD_MAX` — unless, after Basic, it decodes as base64 to bytes that hold a `:`
 * (`user:password`).
 */

const MIN_CREDENTIAL = 8;
/** A lowercase word this long is no English word: a random lowercase token. */
const PLAIN_WORD_MAX = 24;

function isPlainWord(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (!(code >= 97 && code <= 122) && !(i === from && code >= 65 && code <= 90)) return false;
  }
  return true;
}

/** The 6-bit value of a base64 (or base64url) character, -1 for others. */
function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 71;
  if (code >= 48 && code <= 57) return code + 4;
  if (code === 43 || code === 45) return 62;
  if (code === 47 || code === 95) return 63;
  return -1;
}

/** True when the base64 in [from, to) decodes to bytes that hold a `:` (0x3a). */
function decodesToPair(text: string, from: number, to: number): boolean {
  let bits = 0;
  let held = 0;
  for (let i = from; i < to; i++) {
    const value = sextet(text.charCodeAt(i));
    if (value < 0) return false;
    bits = ((bits << 6) | value) & 0xffffff;
    held += 6;
    if (held >= 8) {
      held -= 8;
      if (((bits >> held) & 0xff) === 0x3a) return true;
    }
  }
  return false;
}

/** Spans of the credentials after a scheme that starts with `first` ('b' or 'B'), pushed onto `out` in order. */
function credentialsAfter(text: string, first: string, out: Array<[number, number]>): void {
  let from = 0;
  while (from < text.length) {
    const at = indexFrom(text, first, from);
    if (at < 0) return;
    from = at + 1;
    const bearer = foldedAt(text, at, 'bearer');
    if (!bearer && !foldedAt(text, at, 'basic')) continue;
    const spaceFrom = at + (bearer ? 6 : 5);
    const credFrom = runEnd(text, spaceFrom, SPACE);
    if (credFrom === spaceFrom) continue;
    const bodyEnd = runEnd(text, credFrom, TOKEN68);
    const credEnd = runEnd(text, bodyEnd, EQUALS);
    // No later scheme can take this credential run as its own (it holds no space), so a failed
    // check costs its run once.
    const length = bodyEnd - credFrom;
    if (length < MIN_CREDENTIAL) continue;
    scanWork.steps += length; // the checks below read the credential once more
    // A word of prose is no credential, unless (Basic) it is base64 of `user:password`.
    if (length < PLAIN_WORD_MAX && isPlainWord(text, credFrom, bodyEnd) && (bearer || !decodesToPair(text, credFrom, bodyEnd))) continue;
    out.push([credFrom, credEnd]);
    from = credEnd;
  }
}

export const authSchemeDetector: Detector = {
  name: 'authScheme',
  kind: 'credential',
  scan(text, found) {
    const spans: Array<[number, number]> = [];
    credentialsAfter(text, 'b', spans);
    credentialsAfter(text, 'B', spans);
    reportInOrder(spans, found);
  },
};
