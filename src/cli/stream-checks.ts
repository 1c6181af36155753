import type { TraceEvent } from '../../schemas/trace-event.js';
import { seqWentBack } from '../../processors/validate.js';
import { BoundedMap } from '../base/bounded-map.js';
import { READ_MAX_REMEMBERED_IDS } from '../base/defaults.js';

/** Where an event was read. */
export interface EventPlace {
  source: string;
  line: number;
}

/**
 * The checks `optrail validate` makes across events (each event alone is checked by
 * `validateEvent`): an `event_id` seen before, and `seq` going backwards within a request (the
 * `seq_backwards` rule of the `validate()` processor). Memory is bounded: the last
 * `READ_MAX_REMEMBERED_IDS` ids and the last as many requests are remembered.
 */
export class StreamChecks {
  private readonly ids = new BoundedMap<string, EventPlace>(READ_MAX_REMEMBERED_IDS);
  private readonly lastSeq = new BoundedMap<string, { seq: number; place: EventPlace }>(READ_MAX_REMEMBERED_IDS);

  /** The problems of `event`, read at `place`: messages, in the order found. */
  check(event: TraceEvent, place: EventPlace): string[] {
    const first = this.ids.get(event.event_id);
    // A copy is checked no further: its seq is the first one's.
    if (first !== undefined) return [`duplicate event_id ${JSON.stringify(event.event_id)} (first at ${first.source}:${first.line})`];
    this.ids.set(event.event_id, { ...place });
    const found: string[] = [];
    const last = this.lastSeq.get(event.request_id);
    const back = last === undefined ? undefined : seqWentBack(event.seq, last.seq);
    if (back !== undefined) found.push(`${back} in request ${JSON.stringify(event.request_id)} (at ${last!.place.source}:${last!.place.line})`);
    if (last === undefined || event.seq > last.seq) this.lastSeq.set(event.request_id, { seq: event.seq, place: { ...place } });
    return found;
  }
}
