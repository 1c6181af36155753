import type { Observable } from 'rxjs';
import type { TraceEvent } from '../schemas/trace-event.js';
import { parseTimestampMicros } from '../src/wire/clock.js';
import { compareParsed, sortEventsWithMicros } from '../src/wire/order.js';

/** Builds one request's view from its events, given in the wire format's order with their instants. */
export interface RequestViewBuilder<View> {
  /** Takes the request's next event and its instant (`parseTimestampMicros` of its timestamp). */
  add(event: TraceEvent, micros: number): void;
  /** The request's view from the events added so far. */
  build(): View;
}

/** One request as a follower follows it: its view so far and the first and last event seen. */
interface FollowedRequest<View> {
  view: RequestViewBuilder<View>;
  first: TraceEvent;
  firstMicros: number;
  last: TraceEvent;
  lastMicros: number;
}

/**
 * Builds a view per request from events fed one at a time, without keeping them: each event goes
 * straight into its request's builder as long as that request's events arrive in the wire
 * format's order, which is how optrail writes them. A request whose events arrive out of order is
 * listed in `outOfOrder` and dropped; give all its events to `rebuild` (which sorts them) before
 * `build`. `rebuild(events)` then `build()` is the view of `events` in any order.
 *
 * An event read twice (the same request in two files, a file given twice) counts once, at no
 * memory cost: a copy of an event has its instant, seq and event_id, so it either equals the
 * request's last event (skipped by `add`) or comes before it (the request is then out of order,
 * and `rebuild`, which sorts copies next to each other, keeps one of each).
 */
export class RequestFollower<View> {
  /** Requests whose events came out of order: `rebuild` them, or `build` leaves them out. */
  readonly outOfOrder = new Set<string>();
  /** Events taken by `add` (copies of an event counted once). */
  eventCount = 0;
  /** Copies of an event already taken, skipped by `add` and `rebuild`. */
  duplicates = 0;
  private readonly requests = new Map<string, FollowedRequest<View>>();

  /** `startRequest(requestId)` makes the builder of one request's view. */
  constructor(private readonly startRequest: (requestId: string) => RequestViewBuilder<View>) {}

  /** Takes one event. */
  add(event: TraceEvent): void {
    const requestId = event.request_id;
    if (this.outOfOrder.has(requestId)) {
      this.eventCount++;
      return;
    }
    const micros = parseTimestampMicros(event.timestamp);
    let followed = this.requests.get(requestId);
    if (followed === undefined) {
      this.requests.set(requestId, (followed = this.follow(event, micros)));
    } else {
      const order = compareParsed(micros, event, followed.lastMicros, followed.last);
      if (order === 0) {
        this.duplicates++; // equal instant, seq and event_id: the last event again
        return;
      }
      if (order < 0) {
        this.eventCount++;
        this.requests.delete(requestId);
        this.outOfOrder.add(requestId);
        return;
      }
    }
    this.eventCount++;
    feed(followed, event, micros);
  }

  /**
   * Builds the requests of `events` from scratch, in the wire format's order whatever order they
   * come in: all events of each request it is given, out-of-order ones included.
   */
  rebuild(events: Iterable<TraceEvent>): void {
    const { events: sorted, micros } = sortEventsWithMicros(events);
    const rebuilt = new Map<string, FollowedRequest<View>>();
    for (let i = 0; i < sorted.length; i++) {
      const event = sorted[i]!;
      if (i > 0 && compareParsed(micros[i]!, event, micros[i - 1]!, sorted[i - 1]!) === 0) {
        this.duplicates++; // sorted next to its copy
        continue;
      }
      let followed = rebuilt.get(event.request_id);
      if (followed === undefined) rebuilt.set(event.request_id, (followed = this.follow(event, micros[i]!)));
      feed(followed, event, micros[i]!);
    }
    for (const [requestId, followed] of rebuilt) {
      this.outOfOrder.delete(requestId);
      this.requests.set(requestId, followed);
    }
  }

  /** The views of every request followed in order (or rebuilt), ordered by their first event. */
  build(): View[] {
    const followed = [...this.requests.values()];
    followed.sort((a, b) => compareParsed(a.firstMicros, a.first, b.firstMicros, b.first));
    return followed.map((request) => request.view.build());
  }

  private follow(first: TraceEvent, micros: number): FollowedRequest<View> {
    return { view: this.startRequest(first.request_id), first, firstMicros: micros, last: first, lastMicros: micros };
  }
}

function feed<View>(followed: FollowedRequest<View>, event: TraceEvent, micros: number): void {
  followed.last = event;
  followed.lastMicros = micros;
  followed.view.add(event, micros);
}

/**
 * The views of a source that can be read twice, keeping none of its events: `read(true)` is the
 * first read (the one that reports problems); `read(false)` reads it again for the requests
 * whose events came out of order, which are then built from all their events. Events that
 * `accept` refuses are skipped (default: none).
 */
export async function followRereadable<View>(
  follower: RequestFollower<View>,
  read: (first: boolean) => Observable<TraceEvent>,
  accept: (event: TraceEvent) => boolean = () => true,
): Promise<View[]> {
  await read(true).forEach((event) => {
    if (accept(event)) follower.add(event);
  });
  if (follower.outOfOrder.size > 0) {
    const late: TraceEvent[] = [];
    await read(false).forEach((event) => {
      if (follower.outOfOrder.has(event.request_id) && accept(event)) late.push(event);
    });
    follower.rebuild(late);
  }
  return follower.build();
}
