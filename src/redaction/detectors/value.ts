import { QUOTE, SPACE, isAt, runEnd, scanWork } from '../detector.js';

/**
 * Where the value of a `name<separator>value` pair written in text begins and ends: shared by
 * the detectors that find secrets by the name before them (assignment, aws, connectionString).
 */

/**
 * Where a value starts after its separator, and the quote that opened it (0 when unquoted);
 * `escaped` when the quote was written `\"` (text that is itself inside a JSON string:
 * `{"v":"password=\"x\""}`), so the value ends at the next `\"`.
 */
export interface ValueStart {
  readonly start: number;
  readonly quote: number;
  readonly escaped?: boolean;
}

/**
 * The value after the separator that ends at `from`: `=>` and `:=` count as one separator,
 * then spaces and tabs, then an optional opening quote (or an escaped one, `\"`). `undefined`
 * at the end of the text or a line break (a separator with nothing after it on its line).
 */
export function valueStart(text: string, from: number): ValueStart | undefined {
  let i = from;
  const next = text.charCodeAt(i);
  if (next === 62 || next === 61) i++; // => :=  ==
  i = runEnd(text, i, SPACE);
  if (i >= text.length) return undefined;
  const code = text.charCodeAt(i);
  if (code === 10 || code === 13) return undefined;
  if (isAt(text, i, QUOTE)) return { start: i + 1, quote: code };
  if (code === 92 && isAt(text, i + 1, QUOTE)) return { start: i + 2, quote: text.charCodeAt(i + 1), escaped: true };
  return { start: i, quote: 0 };
}

/** True when a backslash at `i` starts an escape that ends a value written inside a JSON string (`\"`, `\n`…). */
function escapeEnds(text: string, i: number): boolean {
  const next = text.charCodeAt(i + 1);
  return next === 34 || next === 39 || next === 110 || next === 114 || next === 116; // " ' n r t
}

/**
 * Where a value ends: a quoted one at its closing quote (a backslash escapes the next
 * character), an escaped-quoted one at the next `\"` (or a bare quote: the end of the JSON
 * string around it), either at the line's end; an unquoted one at the first character for which
 * `stops` is true, or an escape such as `\"` or `\n` (or the text's end).
 */
export function valueEnd(text: string, value: ValueStart, stops: (code: number) => boolean): number {
  let i = value.start;
  const n = text.length;
  if (value.escaped === true) {
    while (i < n) {
      const code = text.charCodeAt(i);
      if (code === value.quote || code === 10 || code === 13 || (code === 92 && escapeEnds(text, i))) break;
      i += code === 92 ? 2 : 1;
    }
  } else if (value.quote !== 0) {
    while (i < n) {
      const code = text.charCodeAt(i);
      if (code === value.quote || code === 10 || code === 13) break;
      i += code === 92 ? 2 : 1;
    }
  } else {
    while (i < n) {
      const code = text.charCodeAt(i);
      if (stops(code) || (code === 92 && escapeEnds(text, i))) break;
      i++;
    }
  }
  const end = Math.min(i, n);
  scanWork.steps += end - value.start + 1;
  return end;
}

/** Stops of a value in free text: whitespace, quotes, `,` `;` `&` and closing brackets. */
export function endsFreeValue(code: number): boolean {
  return (
    code <= 32 || code === 34 || code === 39 || code === 96 || code === 44 || code === 59 || code === 38 ||
    code === 41 || code === 93 || code === 125 || code === 60 || code === 62
  );
}
