import type { TraceEvent } from '../../schemas/trace-event.js';
import { syntheticAt } from './synthetic-event.js';

/** Annotation key of the marker left in a stream where events were dropped. */
export const DROPPED_MARKER_KEY = 'optrail.dropped';

/**
 * The marker `annotation {key: "optrail.dropped", value: {count, reason}}` that stands where
 * `count` events were lost. It takes the place (request, timestamp, seq) of `lastDropped`, the
 * last event lost, and an id derived from it.
 */
export function dropMarker(lastDropped: TraceEvent, count: number, reason: string): TraceEvent {
  return syntheticAt(lastDropped, 'dropped', 'annotation', { key: DROPPED_MARKER_KEY, value: Object.freeze({ count, reason }) });
}

/** The count a drop marker stands for, or 0 when `event` is not a marker. */
export function markerCount(event: TraceEvent): number {
  if (event.kind !== 'annotation') return 0;
  const payload = event.payload as { key?: unknown; value?: { count?: unknown } };
  if (payload.key !== DROPPED_MARKER_KEY) return 0;
  const count = payload.value?.count;
  return typeof count === 'number' ? count : 0;
}

/** What dropping a run of events loses. */
export interface Loss {
  /** Events that are not drop markers. */
  readonly lost: number;
  /** The counts of the drop markers among them (folded into the new marker). */
  readonly folded: number;
}

/** What dropping `events` loses: the events that are not markers, and the counts of the markers among them. */
export function lossOf(events: readonly TraceEvent[]): Loss {
  let lost = 0;
  let folded = 0;
  for (let i = 0; i < events.length; i++) {
    const earlier = markerCount(events[i]!);
    if (earlier > 0) folded += earlier;
    else lost++;
  }
  return { lost, folded };
}
