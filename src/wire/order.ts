import type { TraceEvent } from '../../schemas/trace-event.js';
import { parseTimestampMicros } from './clock.js';

/**
 * Where a group marker stands among events that share its instant and seq: processors place
 * synthetic markers at the event they belong to, a `group_start` just before it and a
 * `group_end` just after it.
 */
function markerRank(event: TraceEvent): number {
  return event.kind === 'group_start' ? 0 : event.kind === 'group_end' ? 2 : 1;
}

/**
 * The wire format's total order: by instant (parsed, never compared as text), then `seq`, then
 * (for one request) group markers around the events they stand next to, then `event_id`.
 * Use with `Array.prototype.sort`.
 */
export function compareEvents(a: TraceEvent, b: TraceEvent): number {
  return compareParsed(parseTimestampMicros(a.timestamp), a, parseTimestampMicros(b.timestamp), b);
}

/** `compareEvents` for events whose instants (epoch microseconds) are already parsed. */
export function compareParsed(ta: number, a: TraceEvent, tb: number, b: TraceEvent): number {
  if (ta !== tb) return ta - tb;
  if (a.seq !== b.seq) return a.seq - b.seq;
  if (a.request_id === b.request_id) {
    const rank = markerRank(a) - markerRank(b);
    if (rank !== 0) return rank;
  }
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}

/** Events in the wire format's order, with the instant of each (epoch microseconds) at the same index. */
export interface SortedEvents {
  events: TraceEvent[];
  micros: Float64Array;
}

/**
 * `events` in the wire format's order, each timestamp parsed once, into a typed array (a
 * comparator that parses costs two `Date.parse` per comparison) that is returned beside them so
 * callers need not parse again. Input that is already in order (a recorded file, usually) is
 * only checked, not sorted.
 */
export function sortEventsWithMicros(events: Iterable<TraceEvent>): SortedEvents {
  const list = [...events];
  const n = list.length;
  const micros = new Float64Array(n);
  for (let i = 0; i < n; i++) micros[i] = parseTimestampMicros(list[i]!.timestamp);
  const before = (i: number, j: number): number => compareParsed(micros[i]!, list[i]!, micros[j]!, list[j]!);
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (before(i - 1, i) > 0) sorted = false;
  if (sorted) return { events: list, micros };
  const order = Array.from({ length: n }, (_, i) => i).sort(before);
  const sortedMicros = new Float64Array(n);
  for (let i = 0; i < n; i++) sortedMicros[i] = micros[order[i]!]!;
  return { events: order.map((i) => list[i]!), micros: sortedMicros };
}

/** A sorted copy of `events` in the wire format's order (see `sortEventsWithMicros`). */
export function sortEvents(events: Iterable<TraceEvent>): TraceEvent[] {
  return sortEventsWithMicros(events).events;
}
