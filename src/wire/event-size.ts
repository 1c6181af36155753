import type { TraceEvent } from '../../schemas/trace-event.js';

const ENVELOPE_BYTES = 130;
const MAX_WALK = 2000;

/**
 * An estimate of an event's serialized size, for memory accounting of events the emitter did
 * not size itself (replayed or made by processors). It walks at most `MAX_WALK` values and
 * extrapolates past that, so it stays cheap on huge payloads. Always a finite number, whatever
 * the event holds (a bad estimate would disable the memory cap).
 */
export function estimateEventBytes(event: TraceEvent): number {
  let budget = MAX_WALK;
  let bytes = ENVELOPE_BYTES + textBytes(event.event_id) + textBytes(event.request_id) + textBytes(event.op_name);
  if (Array.isArray(event.ctx)) for (const segment of event.ctx) bytes += textBytes(segment) + 3;
  const stack: unknown[] = [event.payload];
  while (stack.length > 0) {
    if (--budget < 0) return bytes * 2;
    const value = stack.pop();
    if (typeof value === 'string') bytes += value.length + 2;
    else if (value === null || typeof value !== 'object') bytes += 6;
    else if (Array.isArray(value)) {
      bytes += 2 + value.length;
      for (const item of value) stack.push(item);
    } else {
      bytes += 2;
      for (const key in value) {
        bytes += key.length + 4;
        stack.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return bytes;
}

/** A field's length when it is a string; a fixed small size otherwise (an event made by hand may hold anything). */
function textBytes(value: unknown): number {
  return typeof value === 'string' ? value.length : 4;
}
