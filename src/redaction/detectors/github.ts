import { ALNUM, UNDERSCORE, eachIndex, runEnd, type Detector } from '../detector.js';

/**
 * GitHub tokens: `ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_` and at least 30 letters and digits
 * (classic tokens hold 36), and fine-grained `github_pat_` and at least 22 letters, digits and
 * underscores (they hold 82). Found from each `_`, so `userghp_…` is found too. The span is the
 * whole token.
 */

const MIN_CLASSIC_BODY = 30;
const MIN_FINE_GRAINED_BODY = 22;

function isClassicKind(code: number): boolean {
  return code === 112 || code === 111 || code === 115 || code === 117 || code === 114; // p o s u r
}

export const githubDetector: Detector = {
  name: 'github',
  kind: 'credential',
  scan(text, found) {
    eachIndex(text, '_', (at) => {
      if (at >= 6 && text.startsWith('github_pat_', at - 6)) {
        const end = runEnd(text, at + 5, ALNUM | UNDERSCORE);
        if (end - (at + 5) >= MIN_FINE_GRAINED_BODY) {
          found(at - 6, end);
          return end;
        }
        return at + 5;
      }
      if (at >= 3 && text.charCodeAt(at - 3) === 103 && text.charCodeAt(at - 2) === 104 && isClassicKind(text.charCodeAt(at - 1))) {
        const end = runEnd(text, at + 1, ALNUM);
        if (end - (at + 1) >= MIN_CLASSIC_BODY) {
          found(at - 3, end);
          return end;
        }
        return end;
      }
      return at + 1;
    });
  },
};
