import { B64URL, eachIndex, runEnd, type Detector } from '../detector.js';

/**
 * Google API keys: `AIza` and 35 base64url characters (39 in all), glued to preceding text or
 * not. The span is the whole key (and any key characters glued after it).
 */

const BODY = 35;

export const googleDetector: Detector = {
  name: 'google',
  kind: 'credential',
  scan(text, found) {
    eachIndex(text, 'AIza', (at) => {
      const end = runEnd(text, at + 4, B64URL);
      if (end - (at + 4) < BODY) return end;
      found(at, end);
      return end;
    });
  },
};
