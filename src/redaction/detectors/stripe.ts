import { ALNUM, eachIndex, runEnd, type Detector } from '../detector.js';

/**
 * Stripe secret and restricted keys, live and test: `sk_live_`, `rk_live_`, `sk_test_`,
 * `rk_test_` and at least 10 letters and digits (real keys hold 24 to 99). Publishable keys
 * (`pk_…`) are public by design and stay. Found from each `_`, glued to preceding text or not.
 * The span is the whole key.
 */

const MIN_BODY = 10;

export const stripeDetector: Detector = {
  name: 'stripe',
  kind: 'credential',
  scan(text, found) {
    eachIndex(text, '_', (at) => {
      // at is the `_` after sk / rk: `sk_live_…`
      if (at < 2 || text.charCodeAt(at - 1) !== 107) return at + 1;
      const first = text.charCodeAt(at - 2);
      if (first !== 115 && first !== 114) return at + 1;
      if (!text.startsWith('live_', at + 1) && !text.startsWith('test_', at + 1)) return at + 1;
      const bodyFrom = at + 6;
      const end = runEnd(text, bodyFrom, ALNUM);
      if (end - bodyFrom < MIN_BODY) return bodyFrom;
      found(at - 2, end);
      return end;
    });
  },
};
