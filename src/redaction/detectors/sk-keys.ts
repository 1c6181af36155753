import { B64URL, eachIndex, runEnd, scanWork, type Detector } from '../detector.js';

/**
 * OpenAI (`sk-…`, `sk-proj-…`, `sk-svcacct-…`) and Anthropic (`sk-ant-…`) API keys: the prefix and
 * at least `MIN_KEY_BODY` base64url characters after it, glued to any preceding text or not. A
 * body made only of lowercase words and dashes (`task-management-dashboard-view`, which holds
 * `sk-`) is a slug, not a key. The span is the whole key.
 */

/** Characters a key holds after its prefix (real keys hold 48 to 160). */
const MIN_KEY_BODY = 20;

/**
 * Scans `sk-` keys: Anthropic's (`sk-ant-`) when `anthropic`, every other one when not. One pass
 * over each run of key characters: every `sk-` inside a run shares its end and its statistics.
 */
function scanSkKeys(text: string, found: (start: number, end: number) => void, anthropic: boolean): void {
  let runStop = -1; // end of the run of key characters the last trigger extended
  let lastNonSlug = -1; // last index in that run of a character other than [a-z-]
  let lastDash = -1; // last '-' in that run
  eachIndex(text, anthropic ? 'sk-ant-' : 'sk-', (at) => {
    const bodyFrom = at + 3;
    if (bodyFrom > runStop) {
      runStop = runEnd(text, bodyFrom, B64URL);
      lastNonSlug = -1;
      lastDash = -1;
      for (let i = bodyFrom; i < runStop; i++) {
        const code = text.charCodeAt(i);
        if (code === 45) lastDash = i;
        else if (code < 97 || code > 122) lastNonSlug = i;
      }
      scanWork.steps += runStop - bodyFrom;
    }
    const isAnthropic = text.startsWith('ant-', bodyFrom);
    if (isAnthropic !== anthropic) return at + 3;
    const keyFrom = anthropic ? bodyFrom + 4 : bodyFrom;
    if (runStop - keyFrom < MIN_KEY_BODY) return runStop; // every later trigger in the run is shorter still
    if (lastNonSlug < keyFrom && lastDash >= keyFrom) {
      // A slug; so is every later `sk-` in the run but the one whose dash is the run's last.
      return Math.max(at + 3, lastDash - (keyFrom - at) + 1);
    }
    found(at, runStop);
    return runStop;
  });
}

export const openaiDetector: Detector = {
  name: 'openai',
  kind: 'credential',
  scan: (text, found) => scanSkKeys(text, found, false),
};

export const anthropicDetector: Detector = {
  name: 'anthropic',
  kind: 'credential',
  scan: (text, found) => scanSkKeys(text, found, true),
};
