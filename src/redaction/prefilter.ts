import { isAt, MAX_NAME_LENGTH, NAME, scanWork, type DetectorName } from './detector.js';

/**
 * The scanner's first look: characters without which a detector cannot find anything, checked
 * with single-character `indexOf` (SIMD-fast: the call costs, not the length). `mayHold` checks
 * the few characters one of which every chosen detector needs (`NEEDS`); `find` then runs only
 * the detectors whose own gate (`GATES`: stronger, each character checked at most once per text)
 * passes. Most captured strings hold none of the characters and skip every
 * detector. The tests check that no gate ever says false where its detector finds something.
 */

/** What a gate may ask: does the text hold this character (a one-character string)? Answers are memoised per text. */
export type Has = (char: string) => boolean;

/**
 * What `mayHold` checks for each detector: characters of which the text must hold one (or a
 * scheme word, or a digit). Each is implied by the detector's gate below, and cheaper: one
 * `indexOf` per distinct character over every chosen detector, stopping at the first found.
 */
const NEEDS: Record<DetectorName, { chars?: string; literals?: readonly string[]; scheme?: true; digit?: true }> = {
  // Literals, not `-`: ids, slugs, dates and UUIDs hold dashes and must not pass the first look.
  openai: { literals: ['sk-'] },
  anthropic: { literals: ['sk-'] },
  slack: { literals: ['xox', 'xapp-'] },
  privateKey: { literals: ['-----'] },
  github: { chars: '_' },
  stripe: { chars: '_' },
  aws: { chars: 'I=:' },
  google: { chars: 'I' },
  jwt: { chars: 'J' },
  url: { chars: ':=' },
  connectionString: { chars: ':=' },
  assignment: { chars: ':=' },
  authScheme: { scheme: true },
  email: { chars: '@' },
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
  for (const separator of SEPARATORS) {
    for (let at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, at + 1)) {
      let i = at - 1;
      const spaceFloor = Math.max(0, at - 9);
      while (i >= spaceFloor && SKIPPED_BEFORE_SEPARATOR.includes(text[i]!)) i--;
      const nameFloor = Math.max(0, i - MAX_NAME_LENGTH);
      let letters = 0;
      for (; i >= nameFloor && isAt(text, i, NAME); i--) {
        const code = text.charCodeAt(i) | 32;
        if (code >= 97 && code <= 122 && ++letters === 2) return true;
      }
    }
  }
  return false;
}
const SEPARATORS = ['=', ':'] as const;

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
const SKIPPED_BEFORE_SEPARATOR = ' \t"\'`\\';

/**
 * Up to this length one regex (a character class and the scheme words) is cheaper than several
 * `indexOf` calls (≈ 80 ns against ≈ 130 on the redact case's strings; past it `indexOf` wins).
 */
const SHORT_TEXT = 64;
/** `bearer` or `basic` in any case, as `holdsScheme` finds them. */
const SCHEME_SOURCE = '[bB](?:[eE][aA][rR][eE][rR]|[aA][sS][iI][cC])';

const MIN_PHONE_DIGITS = 8;
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

  /** The characters and literals `mayHold` looks for, each once, and whether it looks for a scheme word or a digit. */
  private chars: string[] = [];
  private readonly literals: string[] = [];
  private readonly separators: boolean;
  /** `short` with `=` and `:` in its class: false means no detector can find anything in a short text. */
  private readonly shortWithSeparators: RegExp | undefined;
  private readonly scheme: boolean;
  private readonly digit: boolean;
  /** The same look as one regex, for short texts (undefined: nothing to look for). */
  private readonly short: RegExp | undefined;

  constructor(detectors: readonly DetectorName[]) {
    this.gates = detectors.map((name) => GATES[name]);
    let scheme = false;
    let digit = false;
    for (const name of detectors) {
      const needs = NEEDS[name];
      for (const char of needs.chars ?? '') if (!this.chars.includes(char)) this.chars.push(char);
      for (const literal of needs.literals ?? []) if (!this.literals.includes(literal)) this.literals.push(literal);
      scheme ||= needs.scheme === true;
      digit ||= needs.digit === true;
    }
    this.scheme = scheme;
    // `=` and `:` are everywhere (timestamps, times, ratios): they are looked at apart, with what
    // the detectors that need them also need (see `separatorMayHold`).
    this.separators = this.chars.includes('=') || this.chars.includes(':');
    this.chars = this.chars.filter((char) => char !== '=' && char !== ':');
    this.digit = digit;
    // One regex for short texts: the characters as a class, the literals and scheme words beside it.
    // Digits are counted apart (phones and cards need 8 and more): most texts hold a few.
    const classChars = this.chars.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const literalSources = this.literals.map((literal) => literal.replace(/[-\\^$.*+?()[\]{}|]/g, '\\$&'));
    const parts = [...(classChars === '' ? [] : [`[${classChars}]`]), ...literalSources, ...(scheme ? [SCHEME_SOURCE] : [])];
    this.short = parts.length === 0 ? undefined : new RegExp(parts.join('|'));
    const withSeparators = this.separators ? [...parts, '[:=]'] : parts;
    this.shortWithSeparators = withSeparators.length === 0 ? undefined : new RegExp(withSeparators.join('|'));
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
   * False when no detector can find anything in `text`: on most strings a few single-character
   * `indexOf` and the `b` / `B` of a scheme word, or one regex (a character class and the scheme
   * words: no backtracking past 6 characters) on short strings, where it is cheaper than several
   * calls. Not counted in `scanWork`: each look is linear.
   */
  mayHold(text: string): boolean {
    if (text.length < MIN_SECRET_TEXT) return false;
    if (text.length <= SHORT_TEXT) {
      // Most short texts hold nothing at all: one regex says so. A separator sends the text on
      // to the look without separators, then to what the separators need.
      if (this.shortWithSeparators !== undefined && this.shortWithSeparators.test(text)) {
        if (this.short !== undefined && this.short.test(text)) return true;
        if (this.separators && separatorMayHold(text)) return true;
      }
      return this.digit && holdsDigits(text, MIN_PHONE_DIGITS);
    }
    const chars = this.chars;
    for (let i = 0; i < chars.length; i++) if (text.indexOf(chars[i]!) >= 0) return true;
    const literals = this.literals;
    for (let i = 0; i < literals.length; i++) if (text.indexOf(literals[i]!) >= 0) return true;
    if (this.scheme && holdsScheme(text)) return true;
    return (this.digit && holdsDigits(text, MIN_PHONE_DIGITS)) || (this.separators && separatorMayHold(text));
  }

  /** After `look(text)`: false when the detector at `index` (in the list given to the constructor) cannot find anything in it. */
  passes(index: number, text: string): boolean {
    return this.gates[index]!(this.has, text);
  }
}
