import { isAt, MAX_NAME_LENGTH, NAME, scanWork, type DetectorName } from './detector.js';

/**
 * The scanner's first look: what the text must hold for a detector to find anything. `mayHold`
 * checks what every chosen detector needs (`NEEDS`): literals and scheme words (regexes on short
 * texts; `indexOf`, SIMD-fast, on long ones), then what a `:` or `=` needs around it, then digit
 * counts. `find` then runs only the detectors whose own gate (`GATES`: stronger, each character
 * checked at most once per text) passes. Most captured strings, ids and dates included, stop at
 * the first look. The tests check that no gate ever says false where its detector finds something.
 */

/** What a gate may ask: does the text hold this character (a one-character string)? Answers are memoised per text. */
export type Has = (char: string) => boolean;

/**
 * What `mayHold` checks for each detector: something the text must hold, implied by the
 * detector's gate below and cheaper to check for every chosen detector at once.
 * - `chars`: characters of which the text must hold one. `=` and `:` are everywhere
 *   (timestamps, times, ratios): they are looked at apart, with what the detectors that need
 *   them also need (`separatorMayHold`).
 * - `literals`: strings of which the text must hold one, looked for with `indexOf` in long texts.
 *   On short texts the first look is two regexes: `wide` (most texts match none of them: rare
 *   characters, literals with a `-` or an `x`), then `pattern` (default: the literals), the
 *   stronger condition (`eyJ` rather than `J`, `gh[pousr]_` rather than `_`), so that ULIDs,
 *   snake_case names and `INV-…` ids stop there.
 * - `scheme`: `bearer` or `basic` in any case; `digit`: 8 digits or more.
 * Literals rather than `-`, `_`, `I` or `J`: ids, slugs, snake_case names, dates, UUIDs and ULIDs
 * hold those and must not pass the first look.
 */
interface Needs {
  chars?: string;
  literals?: readonly string[];
  pattern?: string;
  wide?: string;
  scheme?: true;
  digit?: true;
}
const NEEDS: Record<DetectorName, Needs> = {
  openai: { literals: ['sk-'] },
  anthropic: { literals: ['sk-'] },
  slack: { literals: ['xox', 'xapp-'] },
  privateKey: { literals: ['-----'] },
  github: { literals: ['_'], pattern: 'gh[pousr]_|github_pat_', wide: '_' },
  stripe: { literals: ['_'], pattern: '[sr]k_(?:live|test)_', wide: '_' },
  aws: { literals: ['IA'], chars: '=:', wide: 'I' },
  google: { literals: ['AIza'], wide: 'I' },
  jwt: { literals: ['eyJ'], wide: 'J' },
  url: { chars: ':=' },
  connectionString: { chars: ':=' },
  assignment: { chars: ':=' },
  authScheme: { scheme: true },
  email: { literals: ['@'] },
  phone: { digit: true },
  card: { digit: true },
};

/** The gate of each detector: false when the detector cannot find anything in the text. */
const GATES: Record<DetectorName, (has: Has, text: string) => boolean> = {
  // Exact literal looks where a detector starts from a literal (one indexOf, SIMD-fast), so
  // ids, slugs and dates that hold a `-` or `_` open nothing.
  openai: (has, text) => has('-') && has('k') && text.indexOf('sk-') >= 0,
  anthropic: (has, text) => has('-') && has('k') && has('t') && text.indexOf('sk-ant-') >= 0,
  slack: (has) => has('-') && has('x'), // xoxb- xapp-
  privateKey: (has, text) => has('-') && has('B') && has('G') && text.indexOf('-----BEGIN ') >= 0,
  github: (has) => has('_') && has('g') && has('h'), // ghp_ github_pat_
  stripe: (has) => has('_') && has('k'), // sk_live_
  // AKIA / ASIA, or a name that folds to …secretkey / …secretaccesskey before `=` / `:`.
  aws: (has, text) => (has('I') && has('A') && text.indexOf('IA') >= 0) || ((has('=') || has(':')) && (has('y') || has('Y')) && (has('k') || has('K'))),
  google: (has, text) => has('z') && has('I') && text.indexOf('AIza') >= 0,
  jwt: (has, text) => has('J') && has('y') && text.indexOf('eyJ') >= 0,
  url: (has) => (has(':') && has('@')) || (has('=') && (has('?') || has('&') || has('#'))), // ://u:p@  ?name=
  connectionString: (has) => (has(':') && has('@')) || (has('=') && has(';')), // ://u:p@  Password=…;
  assignment: (has, text) => (has('=') || has(':')) && nameEndsBeforeSeparator(text),
  authScheme: (has, text) => (has('b') || has('B')) && (has('s') || has('S') || has('r') || has('R')) && holdsScheme(text), // Bearer / Basic in any case
  email: (has) => has('@') && has('.'),
  // A phone number holds 8 digits or more (E.164's shortest, and North American numbers 10), a
  // card 13 or more: texts with a few digits ("user 123", dates) open neither.
  phone: (has, text) => (has('+') || has('(') || has('-') || has('.')) && holdsDigits(text, MIN_PHONE_DIGITS),
  card: (_, text) => holdsDigits(text, MIN_CARD_DIGITS),
};

/**
 * The shortest text any built-in detector finds something in (`pwd=x`): shorter strings
 * (most names and enum-like values) hold no secret.
 */
export const MIN_SECRET_TEXT = 5;

/** True when `text` holds `bearer` or `basic`, any case (where the authScheme detector starts). */
function holdsScheme(text: string): boolean {
  for (let at = text.indexOf('b'); at >= 0; at = text.indexOf('b', at + 1)) if (schemeAt(text, at)) return true;
  for (let at = text.indexOf('B'); at >= 0; at = text.indexOf('B', at + 1)) if (schemeAt(text, at)) return true;
  return false;
}

/** `bearer` or `basic` at `at`, any case (a local loop: this runs on most captured strings). */
function schemeAt(text: string, at: number): boolean {
  const second = text.charCodeAt(at + 1) | 32;
  const word = second === 101 ? 'bearer' : second === 97 ? 'basic' : undefined;
  if (word === undefined || at + word.length > text.length) return false;
  for (let k = 2; k < word.length; k++) if ((text.charCodeAt(at + k) | 32) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * True when some `=` or `:` in `text` follows a name (maybe through spaces, quotes and a
 * backslash: `password=`, `"token": `, `\\"api_key\\":`) that holds two letters or more: every
 * secret name does (`2fa`, `pwd`, `x-api-key`), so timestamps (`2026-11-22T12:00:00`), times
 * and ratios open no assignment scan. The name is read as the assignment detector reads it.
 */
function nameEndsBeforeSeparator(text: string): boolean {
  return namedBefore(text, ':') || namedBefore(text, '=');
}

/** `nameEndsBeforeSeparator` for one separator (char-code tests inline: this runs on every timestamp). */
function namedBefore(text: string, separator: string): boolean {
  for (let at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, at + 1)) {
    let i = at - 1;
    const spaceFloor = Math.max(0, at - 9);
    while (i >= spaceFloor && isSkippedBeforeSeparator(text.charCodeAt(i))) i--;
    const nameFloor = Math.max(0, i - MAX_NAME_LENGTH);
    let letters = 0;
    for (; i >= nameFloor; i--) {
      const code = text.charCodeAt(i);
      const folded = code | 32;
      if (folded >= 97 && folded <= 122) {
        if (++letters === 2) return true;
      } else if (!isAt(text, i, NAME)) break;
    }
    scanWork.steps += at - i;
  }
  return false;
}

/** Space, tab, quotes and backslash: what may stand between a name and its separator (`"token": `, `\\"key\\":`). */
function isSkippedBeforeSeparator(code: number): boolean {
  return code === 32 || code === 9 || code === 34 || code === 39 || code === 96 || code === 92;
}

/**
 * What every detector that starts from a `=` or `:` needs besides it (`aws` names, `url`,
 * `connectionString`, `assignment`; their gates below): userinfo (`:` and `@`), a query or `;`
 * list (`=` and one of `? & # ;`), or a name of two letters or more before a separator. An ISO
 * timestamp has none of them.
 */
function separatorMayHold(text: string): boolean {
  const colon = text.indexOf(':') >= 0;
  const equals = text.indexOf('=') >= 0;
  if (!colon && !equals) return false;
  if (colon && text.indexOf('@') >= 0) return true;
  if (equals && (text.indexOf('?') >= 0 || text.indexOf('&') >= 0 || text.indexOf('#') >= 0 || text.indexOf(';') >= 0)) return true;
  return nameEndsBeforeSeparator(text);
}

/**
 * Up to this length two regexes (`wide`, then the patterns) are cheaper than several `indexOf`
 * calls (≈ 80 ns against ≈ 130 on the redact case's strings); past it `indexOf` wins.
 */
export const SHORT_TEXT = 64;
/** `bearer` or `basic` in any case, as `holdsScheme` finds them. */
const SCHEME_SOURCE = '[bB](?:[eE][aA][rR][eE][rR]|[aA][sS][iI][cC])';

const MIN_PHONE_DIGITS = 8;
/** `MIN_PHONE_DIGITS` digits, on short texts (one regex beats a char-code loop there). */
const EIGHT_DIGITS = /\d(?:\D*\d){7}/;

function escapeRegExp(text: string): string {
  return text.replace(/[-\\^$.*+?()[\]{}|]/g, '\\$&');
}
const MIN_CARD_DIGITS = 13;

/** True when `text` holds at least `count` ASCII digits (one pass, stopping once they are found). */
function holdsDigits(text: string, count: number): boolean {
  let digits = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57 && ++digits >= count) break;
  }
  scanWork.steps += i;
  return digits >= count;
}

/** The gates of a set of detectors, sharing one memo of which characters the current text holds. */
export class Prefilter {
  private readonly gates: Array<(has: Has, text: string) => boolean>;
  private text = '';
  /** Per ASCII character: the look (generation) at which it was checked, and whether the text held it. */
  private readonly checked = new Int32Array(128);
  private readonly held = new Uint8Array(128);
  private generation = 1;
  private readonly has: Has = (char) => {
    const code = char.charCodeAt(0);
    if (this.checked[code] !== this.generation) {
      scanWork.steps++;
      this.checked[code] = this.generation;
      this.held[code] = this.text.indexOf(char) >= 0 ? 1 : 0;
    }
    return this.held[code] === 1;
  };

  /** What `mayHold` looks for in long texts: literals (`indexOf`), a scheme word, digits, separators. */
  private readonly literals: string[] = [];
  private readonly scheme: boolean;
  private readonly digit: boolean;
  private readonly separators: boolean;
  /** Short texts: rare characters, literals, scheme words and `:` `=`, which most texts hold none of; undefined when nothing is looked for. */
  private readonly broad: RegExp | undefined;
  /** Short texts, after `broad`: the literals and patterns themselves. */
  private readonly precise: RegExp | undefined;

  constructor(detectors: readonly DetectorName[]) {
    this.gates = detectors.map((name) => GATES[name]);
    let scheme = false;
    let digit = false;
    let separators = false;
    const patterns = new Set<string>();
    const wide = new Set<string>();
    for (const name of detectors) {
      const needs = NEEDS[name];
      separators ||= (needs.chars ?? '') !== '';
      for (const literal of needs.literals ?? []) if (!this.literals.includes(literal)) this.literals.push(literal);
      const pattern = needs.pattern ?? needs.literals?.map(escapeRegExp).join('|');
      if (pattern !== undefined) patterns.add(pattern);
      if (needs.scheme === true) patterns.add(SCHEME_SOURCE);
      const widened = needs.wide ?? pattern;
      if (widened !== undefined) wide.add(widened);
      if (needs.scheme === true) wide.add(SCHEME_SOURCE);
      scheme ||= needs.scheme === true;
      digit ||= needs.digit === true;
    }
    this.scheme = scheme;
    this.digit = digit;
    this.separators = separators;
    if (separators) wide.add('[:=]');
    this.broad = wide.size === 0 ? undefined : new RegExp([...wide].join('|'));
    this.precise = patterns.size === 0 ? undefined : new RegExp([...patterns].join('|'));
  }

  /** Starts looking at `text`: forgets what was known of the previous one. */
  look(text: string): void {
    this.text = text;
    if (++this.generation === 0x7fffffff) {
      this.checked.fill(0);
      this.generation = 1;
    }
    if (text.length > SHORT_TEXT) return;
    // A short text: every ASCII character it holds marked in one pass, so the gates ask with no
    // `indexOf` (a call each costs more than this loop over 64 characters).
    const held = this.held;
    this.checked.fill(this.generation);
    held.fill(0);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 128) held[code] = 1;
    }
    scanWork.steps += text.length;
  }

  /**
   * False when no detector can find anything in `text`. Long texts: a few `indexOf` (SIMD-fast:
   * the call costs, not the length), stopping at the first hit. Short texts: regexes, cheaper there
   * than several calls and linear (no alternative backtracks past a few characters; the digit
   * count's backtracking is bounded by the text, at most 64 characters). Not counted in
   * `scanWork`: each look is linear.
   */
  mayHold(text: string): boolean {
    if (text.length < MIN_SECRET_TEXT) return false;
    if (text.length <= SHORT_TEXT) {
      // Most short texts hold none of the rare characters: one class test says so.
      if (this.broad !== undefined && this.broad.test(text)) {
        if (this.precise !== undefined && this.precise.test(text)) return true;
        if (this.separators && separatorMayHold(text)) return true;
      }
      return this.digit && EIGHT_DIGITS.test(text);
    }
    // A literal found (`_` of a snake_case name, `IA` of `MEDIA`): the patterns say whether it
    // starts anything (one linear regex pass; the gates and detectors would cost more).
    const literals = this.literals;
    for (let i = 0; i < literals.length; i++) {
      if (text.indexOf(literals[i]!) >= 0) {
        if (this.precise!.test(text)) return true;
        break;
      }
    }
    if (this.scheme && holdsScheme(text)) return true;
    return (this.digit && holdsDigits(text, MIN_PHONE_DIGITS)) || (this.separators && separatorMayHold(text));
  }

  /** After `look(text)`: false when the detector at `index` (in the list given to the constructor) cannot find anything in it. */
  passes(index: number, text: string): boolean {
    return this.gates[index]!(this.has, text);
  }
}
