import { eachIndex, indexFrom, scanWork, type Detector } from '../detector.js';

/**
 * PEM private keys: `-----BEGIN <label>PRIVATE KEY-----` (label `RSA `, `EC `, `DSA `,
 * `OPENSSH `, `ENCRYPTED `, `PGP ` … or none) through the matching `-----END …-----` line. A block
 * whose END is missing (the text was cut) is a key to the end of the text. The span is the whole
 * block, BEGIN and END lines included. Certificates and public keys stay.
 */

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
/** Longest label read between BEGIN and the closing dashes. */
const MAX_LABEL = 40;

/** Upper-case letters, digits and spaces (a PEM label). */
function isLabelCode(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 32;
}

/** The end of the label that starts at `from` (at most `MAX_LABEL` characters). */
function labelEnd(text: string, from: number): number {
  let i = from;
  const limit = Math.min(text.length, from + MAX_LABEL);
  while (i < limit && isLabelCode(text.charCodeAt(i))) i++;
  scanWork.steps += i - from + 1;
  return i;
}

/** The end of a PEM private key header whose `-----BEGIN ` is at `at`, or -1. */
function headerEnd(text: string, at: number): number {
  const labelFrom = at + BEGIN.length;
  const i = labelEnd(text, labelFrom);
  const label = text.slice(labelFrom, i);
  if (!label.endsWith('PRIVATE KEY') && !label.endsWith('PRIVATE KEY BLOCK')) return -1;
  return text.startsWith(DASHES, i) ? i + DASHES.length : -1;
}

export const privateKeyDetector: Detector = {
  name: 'privateKey',
  kind: 'credential',
  scan(text, found) {
    eachIndex(text, BEGIN, (at) => {
      const bodyFrom = headerEnd(text, at);
      if (bodyFrom < 0) return at + BEGIN.length;
      const endAt = indexFrom(text, END, bodyFrom);
      if (endAt < 0) {
        found(at, text.length);
        return text.length;
      }
      // `-----END RSA PRIVATE KEY-----`: through its closing dashes (or its label when they are missing).
      const label = labelEnd(text, endAt + END.length);
      const end = text.startsWith(DASHES, label) ? label + DASHES.length : label;
      found(at, end);
      return end;
    });
  },
};
