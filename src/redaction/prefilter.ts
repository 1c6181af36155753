import { foldedAt, scanWork, type DetectorName } from './detector.js';

/**
 * The scanner's first look (`SecretScanner.mayHold`): characters without which a detector cannot
 * find anything, checked with single-character `indexOf` (SIMD-fast: the call costs, not the
 * length). Most captured strings hold none of them and skip every detector. The tests check
 * that it never says false where a detector finds something.
 */

/** What each detector cannot match without: one of these characters, or a special look. */
const NEEDS: Record<DetectorName, { chars?: string; scheme?: true; digit?: true }> = {
  openai: { chars: '-' },
  anthropic: { chars: '-' },
  slack: { chars: '-' },
  privateKey: { chars: '-' },
  github: { chars: '_' },
  stripe: { chars: '_' },
  aws: { chars: 'I=:' }, // AKIA / ASIA, or `secret_access_key=` / `:`
  google: { chars: 'I' }, // AIza
  jwt: { chars: 'J' }, // eyJ
  url: { chars: ':=' }, // `://` userinfo, `?name=` parameters
  connectionString: { chars: ':=' },
  assignment: { chars: ':=' },
  authScheme: { scheme: true }, // Bearer / Basic in any case
  email: { chars: '@' },
  phone: { chars: '+(-.' },
  card: { digit: true },
};

/**
 * The shortest text any built-in detector finds something in (`pwd=x`): shorter strings
 * (most names and enum-like values) hold no secret.
 */
export const MIN_SECRET_TEXT = 5;

/** True when `text` holds `bearer` or `basic`, any case (where the authScheme detector starts). */
function holdsScheme(text: string): boolean {
  for (const first of ['b', 'B']) {
    for (let at = text.indexOf(first); at >= 0; at = text.indexOf(first, at + 1)) {
      scanWork.steps++;
      if (foldedAt(text, at, 'bearer') || foldedAt(text, at, 'basic')) return true;
    }
  }
  return false;
}

const ANY_DIGIT = /[0-9]/;

/** The first look for a set of detectors: false means none of them can find anything in the text. */
export function prefilterFor(detectors: readonly DetectorName[]): (text: string) => boolean {
  let chars = '';
  let scheme = false;
  let digit = false;
  for (const name of detectors) {
    const needs = NEEDS[name];
    for (const ch of needs.chars ?? '') if (!chars.includes(ch)) chars += ch;
    scheme ||= needs.scheme === true;
    digit ||= needs.digit === true;
  }
  const list = [...chars];
  if (list.length === 0 && !scheme && !digit) return () => false;
  return (text) => {
    if (text.length < MIN_SECRET_TEXT) return false;
    scanWork.steps += list.length;
    for (const ch of list) if (text.indexOf(ch) >= 0) return true;
    if (scheme && holdsScheme(text)) return true;
    return digit && ANY_DIGIT.test(text);
  };
}
