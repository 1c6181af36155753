import type { TraceEvent } from '../schemas/trace-event.js';
import { RequestFollower } from './request-follower.js';
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

/**
 * Builds request trees from events fed one at a time, without keeping them: each event goes
 * straight into its request's tree as long as that request's events arrive in the wire format's
 * order, which is how optrail writes them. A request whose events arrive out of order is listed
 * in `outOfOrder` and dropped from the builder; give all its events to `rebuild` (which sorts
 * them) before `build`. `readTrees` does this with a second read of the file.
 * `buildTree(events)` is the same as `rebuild(events)` then `build()`.
 */
export class TreeBuilder extends RequestFollower<RequestTree> {
  constructor() {
    super((requestId) => new RequestTreeBuilder(requestId));
  }
}
