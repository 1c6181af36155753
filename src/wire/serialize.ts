import type { TraceEvent } from '../../schemas/trace-event.js';
import { canonicalTimestamp } from './clock.js';

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

let lastRequestId = '';
let lastRequestFragment = '';

// A WeakMap cache per ctx array was tried and measured slower: its entries cost the GC more
// than rebuilding this short text.
function placeFragment(opName: string | null, ctx: readonly string[]): string {
  let text = ',"op_name":' + (opName === null ? 'null' : quote(opName)) + ',"ctx":[';
  for (let i = 0; i < ctx.length; i++) text += (i === 0 ? '' : ',') + quote(ctx[i]!);
  return text + ']';
}

function requestFragment(requestId: string): string {
  if (requestId !== lastRequestId) {
    lastRequestId = requestId;
    lastRequestFragment = '","request_id":' + quote(requestId) + ',"kind":"';
  }
  return lastRequestFragment;
}

/**
 * One event as one line of the wire format (without the newline): fields always in wire order,
 * the timestamp in optrail's canonical 6-digit form, the payload's keys in their own order.
 * The same event always gives the same bytes. The request id's fragment is reused while it
 * repeats.
 */
export function serializeEvent(event: TraceEvent): string {
  const id = event.event_id;
  const idText = NEEDS_ESCAPE.test(id) ? JSON.stringify(id).slice(1, -1) : id;
  return (
    '{"event_id":"' +
    idText +
    requestFragment(event.request_id) +
    (NEEDS_ESCAPE.test(event.kind) ? JSON.stringify(event.kind).slice(1, -1) : event.kind) +
    '"' +
    placeFragment(event.op_name, event.ctx) +
    ',"timestamp":"' +
    canonicalTimestamp(event.timestamp) +
    '","seq":' +
    event.seq +
    ',"payload":' +
    JSON.stringify(event.payload) +
    '}'
  );
}

/** A batch as JSON Lines text: one line per event, each ending in `\n`. */
export function serializeBatch(events: readonly TraceEvent[]): string {
  let text = '';
  for (let i = 0; i < events.length; i++) text += serializeEvent(events[i]!) + '\n';
  return text;
}

const INITIAL_BATCH_BUFFER = 256 * 1024;
/**
 * Lines are joined into pieces of about this many UTF-16 units before each UTF-8 write: a write
 * per line costs more in call overhead than the encoding itself, and one string for the whole
 * batch costs ≈ 2× more (V8 must flatten a rope of thousands of pieces). 16 Ki units is ≈ 50
 * small events, past the point where the overhead stops mattering and far below the rope cliff.
 */
const PIECE_UNITS = 16 * 1024;
let scratch = Buffer.allocUnsafeSlow(INITIAL_BATCH_BUFFER);

/** Writes `text` at `offset` into the scratch buffer, growing it when needed; returns the new offset. */
function writeAt(text: string, offset: number): number {
  const needed = text.length * 3; // a UTF-16 unit never takes more than 3 UTF-8 bytes
  if (offset + needed > scratch.length) {
    const grown = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, offset + needed));
    scratch.copy(grown, 0, 0, offset);
    scratch = grown;
  }
  return offset + scratch.write(text, offset, 'utf8');
}

/**
 * A batch as UTF-8 JSON Lines bytes, encoded into one reused scratch buffer.
 * The result is a view that the next call overwrites: write it synchronously, or copy it
 * (`Buffer.from(view)`) to keep it. Reusing the buffer matters: a fresh 256 KiB buffer per batch
 * costs more than the serialization itself here (first-touch page faults).
 */
export function encodeBatch(events: readonly TraceEvent[]): Buffer {
  let offset = 0;
  let piece = '';
  for (let i = 0; i < events.length; i++) {
    piece += serializeEvent(events[i]!) + '\n';
    if (piece.length >= PIECE_UNITS) {
      offset = writeAt(piece, offset);
      piece = '';
    }
  }
  if (piece.length > 0) offset = writeAt(piece, offset);
  return scratch.subarray(0, offset);
}

/** `encodeBatch`, copied into a buffer of its own (for batches that outlive the call). */
export function encodeBatchCopy(events: readonly TraceEvent[]): Buffer {
  return Buffer.from(encodeBatch(events));
}
