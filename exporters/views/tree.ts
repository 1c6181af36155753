import type { TraceEvent } from '../../schemas/trace-event.js';
import { parseTimestampMicros } from '../../src/clock.js';
import { compareParsed, sortEventsWithMicros } from '../../src/order.js';
import { RequestTreeBuilder, type RequestTree } from './request-tree.js';

export type { RequestTree, TreeNode } from './request-tree.js';
export type { ModelTokens, Totals } from './tree-totals.js';

/**
 * Rebuilds, per request, one node per op invocation from a flat stream in any order (the
 * same events always give the same trees). Works on optrail's ctx paths and on operonx streams
 * (ops sharing a ctx are siblings; an op at `ctx + ["[i]"]` or `ctx + ["yield_i"]` hangs under
 * the generator op at `ctx`). An op that never ended stays in the tree as `unfinished`.
 */
export function buildTree(events: Iterable<TraceEvent>): RequestTree[] {
  const builder = new TreeBuilder();
  builder.rebuild(events);
  return builder.build();
}

/** One request as `TreeBuilder` follows it: its tree so far and the first and last event seen. */
interface FollowedRequest {
  tree: RequestTreeBuilder;
  first: TraceEvent;
  firstMicros: number;
  last: TraceEvent;
  lastMicros: number;
}

function startFollowing(first: TraceEvent, micros: number): FollowedRequest {
  return { tree: new RequestTreeBuilder(first.request_id), first, firstMicros: micros, last: first, lastMicros: micros };
}

function feed(followed: FollowedRequest, event: TraceEvent, micros: number): void {
  followed.last = event;
  followed.lastMicros = micros;
  followed.tree.add(event, micros);
}

/**
 * Builds request trees from events fed one at a time, without keeping them: each event goes
 * straight into its request's tree as long as that request's events arrive in the wire format's
 * order, which is how optrail writes them. A request whose events arrive out of order is listed
 * in `outOfOrder` and dropped from the builder; give all its events to `rebuild` (which sorts
 * them) before `build`. `readTrees` does this with a second read of the file.
 * `buildTree(events)` is the same as `rebuild(events)` then `build()`.
 */
export class TreeBuilder {
  /** Requests whose events came out of order: `rebuild` them, or `build` leaves them out. */
  readonly outOfOrder = new Set<string>();
  /** Events taken by `add`. */
  eventCount = 0;
  private readonly requests = new Map<string, FollowedRequest>();

  /** Takes one event. */
  add(event: TraceEvent): void {
    this.eventCount++;
    const requestId = event.request_id;
    if (this.outOfOrder.has(requestId)) return;
    const micros = parseTimestampMicros(event.timestamp);
    let followed = this.requests.get(requestId);
    if (followed === undefined) {
      this.requests.set(requestId, (followed = startFollowing(event, micros)));
    } else if (compareParsed(micros, event, followed.lastMicros, followed.last) < 0) {
      this.requests.delete(requestId);
      this.outOfOrder.add(requestId);
      return;
    }
    feed(followed, event, micros);
  }

  /**
   * Builds the requests of `events` from scratch, in the wire format's order whatever order they
   * come in: all events of each request it is given, out-of-order ones included.
   */
  rebuild(events: Iterable<TraceEvent>): void {
    const { events: sorted, micros } = sortEventsWithMicros(events);
    const rebuilt = new Map<string, FollowedRequest>();
    for (let i = 0; i < sorted.length; i++) {
      const event = sorted[i]!;
      let followed = rebuilt.get(event.request_id);
      if (followed === undefined) rebuilt.set(event.request_id, (followed = startFollowing(event, micros[i]!)));
      feed(followed, event, micros[i]!);
    }
    for (const [requestId, followed] of rebuilt) {
      this.outOfOrder.delete(requestId);
      this.requests.set(requestId, followed);
    }
  }

  /** The trees of every request followed in order (or rebuilt), ordered by their first event. */
  build(): RequestTree[] {
    const followed = [...this.requests.values()];
    followed.sort((a, b) => compareParsed(a.firstMicros, a.first, b.firstMicros, b.first));
    return followed.map((request) => request.tree.build());
  }
}
