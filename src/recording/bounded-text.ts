import { DEFAULT_MAX_NAME } from '../base/defaults.js';
import { safeCutEnd } from '../redaction/safe-cut.js';

/**
 * The one way optrail bounds the text it records (captured strings, error messages and stacks,
 * names): a string over its limit keeps its first `max` code units and says how much was cut.
 */

/** What is recorded where a value cannot be read (a getter or a Proxy trap threw, a Proxy was revoked). */
export const UNREADABLE = '[unreadable]';

/** The marker that ends a cut string: `…[truncated N chars]`. */
export function cutMarker(removed: number): string {
  return `…[truncated ${removed} chars]`;
}

/**
 * `text` itself when it has at most `max` code units, else its first `max` and the cut marker. A
 * cut that would fall inside a secret (an API key, a card number, anything `ALL_DETECTORS` finds)
 * falls at the secret's start instead, so no part of it is kept (`safeCutEnd`).
 */
export function boundString(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = safeCutEnd(text, max);
  return text.slice(0, end) + cutMarker(text.length - end);
}

/**
 * Any value as a bounded string: `String(value)` cut at `max`, or `UNREADABLE` when `String`
 * throws (a hostile `toString`, a revoked Proxy). Never throws.
 */
export function boundText(value: unknown, max: number): string {
  if (typeof value === 'string') return value.length <= max ? value : boundString(value, max);
  try {
    return boundString(String(value), max);
  } catch {
    return UNREADABLE;
  }
}

/** A name (group, annotation key, model, mime, error type) as recorded: `boundText` at `DEFAULT_MAX_NAME`. */
export function boundName(value: unknown): string {
  return boundText(value, DEFAULT_MAX_NAME);
}
