import { safeCutEnd } from '../src/redaction/safe-cut.js';
import { isRequestEnd } from '../src/wire/request-end.js';
import { defineProcessor, withPayload } from './define.js';
import { rewriteStrings } from './payload-walk.js';

/** Options of `truncate`. */
export interface TruncateOptions {
  /** Longest string kept anywhere in a payload, in UTF-8 bytes. */
  maxBytes: number;
}

/** The byte offset ≤ `limit` that does not split a UTF-8 character of `bytes`. */
function characterBoundary(bytes: Buffer, limit: number): number {
  let end = limit;
  // Continuation bytes are 10xxxxxx: step back to the start of the character they belong to.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return end;
}

/**
 * Cuts `text` to at most `maxBytes` UTF-8 bytes on a character boundary, marking how much was
 * removed. A cut that would fall inside a secret (anything `ALL_DETECTORS` finds) falls at the
 * secret's start instead, so no part of it is kept (`safeCutEnd`).
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  // Fast path: a string of n UTF-16 units is at most 3n bytes.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const boundary = characterBoundary(bytes, maxBytes);
  const kept = bytes.subarray(0, boundary).toString('utf8');
  // kept has as many UTF-16 units as the text's prefix it came from (a lone surrogate becomes U+FFFD, one unit too).
  const end = safeCutEnd(text, kept.length);
  if (end === kept.length) return `${kept}…[truncated ${bytes.length - boundary} bytes]`;
  const safe = kept.slice(0, end);
  return `${safe}…[truncated ${bytes.length - Buffer.byteLength(safe)} bytes]`;
}

/**
 * Caps every long string anywhere in a payload (inputs, outputs, yields, annotation values,
 * metadata, error messages) at `maxBytes` UTF-8 bytes, cut on a character boundary and marked
 * with the number of bytes removed: `…[truncated 3000 bytes]`. Changed events are new frozen
 * events with the same id and seq, counted (reason `truncated`). A request's end marker holds no
 * user content and passes whole, so consumers still recognise it.
 *
 * @example
 * truncate({ maxBytes: 4096 })
 */
export function truncate(options: TruncateOptions) {
  const maxBytes = options.maxBytes;
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError(`truncate: maxBytes must be a positive integer, got ${String(maxBytes)}`);
  const cut = (text: string) => truncateUtf8(text, maxBytes);
  return defineProcessor('truncate', ({ emit, changed }) => ({
    next(event) {
      if (isRequestEnd(event)) return emit(event);
      const payload = rewriteStrings(event.payload, cut);
      if (payload === event.payload) return emit(event);
      changed('truncated');
      emit(withPayload(event, payload as Record<string, unknown>));
    },
  }));
}
