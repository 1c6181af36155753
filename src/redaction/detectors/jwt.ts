import { B64URL, eachIndex, runEnd, type Detector } from '../detector.js';

/**
 * JSON Web Tokens, signed or not: a header segment that starts with `eyJ` (base64url of `{"`)
 * and holds at least `MIN_SEGMENT` characters, a dot, a payload segment of at least
 * `MIN_SEGMENT`, then either a dot and a signature (empty for an unsecured `alg: none` token:
 * `eyJ….eyJ….`), or nothing when the payload starts with `eyJ` too (a token whose signature was
 * cut off). Glued to preceding text or not. The span is the whole token.
 */

const MIN_SEGMENT = 8;

export const jwtDetector: Detector = {
  name: 'jwt',
  kind: 'credential',
  scan(text, found) {
    eachIndex(text, 'eyJ', (at) => {
      const headerEnd = runEnd(text, at + 3, B64URL);
      // Every later `eyJ` in this run ends at the same place: failing here fails them all.
      if (headerEnd - at < MIN_SEGMENT || text.charCodeAt(headerEnd) !== 46) return headerEnd;
      const payloadFrom = headerEnd + 1;
      const payloadEnd = runEnd(text, payloadFrom, B64URL);
      if (payloadEnd - payloadFrom < MIN_SEGMENT) return payloadFrom;
      if (text.charCodeAt(payloadEnd) === 46) {
        const signatureEnd = runEnd(text, payloadEnd + 1, B64URL);
        found(at, signatureEnd);
        return signatureEnd;
      }
      if (!text.startsWith('eyJ', payloadFrom)) return payloadFrom;
      found(at, payloadEnd);
      return payloadEnd;
    });
  },
};
