import { ALNUM, DASH, collectInto, eachIndex, reportInOrder, runEnd, type Detector } from '../detector.js';

/**
 * Slack tokens: `xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxs-`, `xoxe-` (and `xoxe.xoxp-`) and app
 * tokens `xapp-`, each with at least 10 letters, digits and dashes after the prefix. Glued to
 * preceding text or not. The span is the whole token.
 */

const MIN_BODY = 10;

function isTokenKind(code: number): boolean {
  return code === 97 || code === 98 || code === 112 || code === 114 || code === 115 || code === 101; // a b p r s e
}

function scanFrom(text: string, found: (start: number, end: number) => void, start: number, bodyFrom: number): number {
  const end = runEnd(text, bodyFrom, ALNUM | DASH);
  if (end - bodyFrom < MIN_BODY) return end;
  found(start, end);
  return end;
}

export const slackDetector: Detector = {
  name: 'slack',
  kind: 'credential',
  scan(text, found) {
    // Two triggers, merged in start order: `xox?-` (or `xoxe.xox?-`) and `xapp-`.
    const spans: Array<[number, number]> = [];
    const collect = collectInto(spans);
    eachIndex(text, 'xox', (at) => {
      if (text.charCodeAt(at + 4) === 46 && text.startsWith('xox', at + 5) && isTokenKind(text.charCodeAt(at + 8)) && text.charCodeAt(at + 9) === 45) {
        return scanFrom(text, collect, at, at + 10); // xoxe.xoxp-… (rotating tokens)
      }
      if (!isTokenKind(text.charCodeAt(at + 3)) || text.charCodeAt(at + 4) !== 45) return at + 3;
      return scanFrom(text, collect, at, at + 5);
    });
    eachIndex(text, 'xapp-', (at) => scanFrom(text, collect, at, at + 5));
    reportInOrder(spans, found);
  },
};
