import type { TraceEvent } from '../schemas/trace-event.js';

/** Events grouped by request id, keeping stream order within each and first-seen order across them. */
export function byRequest(events: Iterable<TraceEvent>): Map<string, TraceEvent[]> {
  const map = new Map<string, TraceEvent[]>();
  for (const event of events) {
    const list = map.get(event.request_id);
    if (list) list.push(event);
    else map.set(event.request_id, [event]);
  }
  return map;
}
