import type { TraceEvent } from '../schemas/trace-event.js';
import { canonicalTimestamp } from './clock.js';

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

/**
 * One event as one line of the wire format (without the newline): fields always in wire order,
 * the timestamp in optrail's canonical 6-digit form, the payload's keys in their own order.
 * The same event always gives the same bytes.
 */
export function serializeEvent(event: TraceEvent): string {
  const ctx = event.ctx;
  let ctxText = '[';
  for (let i = 0; i < ctx.length; i++) ctxText += (i === 0 ? '' : ',') + quote(ctx[i]!);
  ctxText += ']';
  return (
    '{"event_id":' +
    quote(event.event_id) +
    ',"request_id":' +
    quote(event.request_id) +
    ',"kind":' +
    quote(event.kind) +
    ',"op_name":' +
    (event.op_name === null ? 'null' : quote(event.op_name)) +
    ',"ctx":' +
    ctxText +
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

const INITIAL_BATCH_BUFFER = 64 * 1024;

/**
 * A batch as UTF-8 JSON Lines bytes. Each line is encoded straight into one buffer: building one
 * long string and encoding it at the end costs ≈ 2× more, because V8 must first flatten a rope
 * of thousands of pieces.
 */
export function encodeBatch(events: readonly TraceEvent[]): Buffer {
  let buffer = Buffer.allocUnsafe(Math.max(INITIAL_BATCH_BUFFER, events.length * 512));
  let offset = 0;
  for (let i = 0; i < events.length; i++) {
    const line = serializeEvent(events[i]!);
    const needed = line.length * 3 + 1; // a UTF-16 unit never takes more than 3 UTF-8 bytes
    if (offset + needed > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, offset + needed));
      buffer.copy(grown, 0, 0, offset);
      buffer = grown;
    }
    offset += buffer.write(line, offset, 'utf8');
    buffer[offset++] = 10;
  }
  return buffer.subarray(0, offset);
}
