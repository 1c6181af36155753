/**
 * A user's own pattern, run by the scanner beside the built-in detectors. It keeps every flag it
 * was written with (`i`, `m`, `s`, `u`, `v`, `y`…; `g` is added so it can be run over a text),
 * and its prototype, so a RegExp subclass runs its own `exec`.
 */

/** A user pattern: name labels indexed tokens; the regex keeps every flag it has (g is added). */
export interface NamedPattern {
  name: string;
  regex: RegExp;
}

/** A compiled user pattern: `scan` calls found(start, end) for each non-empty match, and throws what the pattern throws. */
export interface UserPattern {
  readonly kind: string;
  scan(text: string, found: (start: number, end: number) => void): void;
}

/** Where the next search starts after an empty match at `at`: one code point on (with `u` / `v`), else one code unit. */
function pastEmpty(text: string, at: number, unicode: boolean): number {
  if (!unicode) return at + 1;
  const code = text.charCodeAt(at);
  const low = text.charCodeAt(at + 1);
  return code >= 0xd800 && code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff ? at + 2 : at + 1;
}

/**
 * Compiles a pattern. Reading it can throw (a hostile object): then the error is kept and thrown
 * by every scan, so callers fail closed where they scan, not where they configure.
 */
export function userPattern(pattern: NamedPattern): UserPattern {
  let regex: RegExp;
  let kind = 'pattern';
  let unicode = false;
  try {
    kind = String(pattern.name);
    const source = pattern.regex;
    const flags = source.flags.includes('g') ? source.flags : `${source.flags}g`;
    regex = new RegExp(source.source, flags);
    Object.setPrototypeOf(regex, Object.getPrototypeOf(source));
    unicode = flags.includes('u') || flags.includes('v');
  } catch (error) {
    return {
      kind,
      scan() {
        throw error;
      },
    };
  }
  return {
    kind,
    scan(text, found) {
      regex.lastIndex = 0;
      for (;;) {
        const match = regex.exec(text);
        if (match === null) return;
        const start = match.index;
        const end = start + match[0].length;
        if (end > start) found(start, end);
        // Always move on: past an empty match, and past a subclass's exec that does not advance.
        const next = end > start ? end : pastEmpty(text, start, unicode);
        if (regex.lastIndex < next) regex.lastIndex = next;
        if (regex.lastIndex > text.length) return;
      }
    },
  };
}
