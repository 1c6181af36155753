import type { TraceEvent } from '../schemas/trace-event.js';
import { parseTimestampMicros } from './clock.js';

/**
 * The wire format's total order: by instant (parsed, never compared as text), then `seq`, then
 * `event_id`. Use with `Array.prototype.sort`.
 */
export function compareEvents(a: TraceEvent, b: TraceEvent): number {
  const ta = parseTimestampMicros(a.timestamp);
  const tb = parseTimestampMicros(b.timestamp);
  if (ta !== tb) return ta - tb;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}
