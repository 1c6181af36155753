import { QUOTE, SPACE, isAt, runEnd, scanWork } from '../detector.js';

/**
 * Where the value of a `name<separator>value` pair written in text begins and ends: shared by
 * the detectors that find secrets by the name before them (assignment, aws, connectionString).
 */

/** Where a value starts after its separator, and the quote that opened it (0 when unquoted). */
export interface ValueStart {
  readonly start: number;
  readonly quote: number;
}

/**
 * The value after the separator that ends at `from`: `=>` and `:=` count as one separator,
 * then spaces and tabs, then an optional opening quote. `undefined` at the end of the text or a
 * line break (a separator with nothing after it on its line).
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
  return { start: i, quote: 0 };
}

/**
 * Where a value ends: a quoted one at its closing quote (a backslash escapes the next
 * character) or the line's end; an unquoted one at the first character for which `stops` is
 * true (or the text's end).
 */
export function valueEnd(text: string, value: ValueStart, stops: (code: number) => boolean): number {
  let i = value.start;
  const n = text.length;
  if (value.quote !== 0) {
    while (i < n) {
      const code = text.charCodeAt(i);
      if (code === value.quote || code === 10 || code === 13) break;
      i += code === 92 ? 2 : 1;
    }
  } else {
    while (i < n && !stops(text.charCodeAt(i))) i++;
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
