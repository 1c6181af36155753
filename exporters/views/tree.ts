import type { TraceEvent } from '../../schemas/trace-event.js';
import { parentRule, type ParentRule } from '../../src/ctx-shape.js';
import { compareParsed, sortEvents, sortEventsWithMicros } from '../../src/order.js';
import { parseTimestampMicros } from '../../src/clock.js';
import { byRequest } from '../../src/by-request.js';

export { byRequest };

/** Tokens of one model. */
export interface ModelTokens {
  prompt: number;
  completion: number;
  total: number;
  costUsd: number;
}

/** Totals of a subtree. */
export interface Totals {
  ops: number;
  errors: number;
  costUsd: number;
  /** True when some usage in the subtree had no known cost. */
  costUnknown: boolean;
  tokensByModel: Record<string, ModelTokens>;
}

/**
 * One op invocation. A tree is a result to read: lists and token maps that are empty may be one
 * shared frozen value (most nodes have no annotations, usage, media or children), so copy a node's
 * list before changing it.
 */
export interface TreeNode {
  name: string;
  ctx: readonly string[];
  /** Epoch microseconds of `op_start`, and of `op_end` when it ended. */
  start: number;
  end: number | undefined;
  durationMs: number | undefined;
  status: 'ok' | 'error' | 'cancelled' | 'unfinished';
  error: { type: string; message: string } | undefined;
  inputs: unknown;
  outputs: unknown;
  yieldCount: number;
  lastYielded: unknown;
  annotations: ReadonlyArray<{ key: string; value: unknown }>;
  usage: ReadonlyArray<Record<string, unknown>>;
  media: ReadonlyArray<{ handle: string; mime: string; size_bytes: number }>;
  children: readonly TreeNode[];
  totals: Totals;
}

/** The tree of one request. */
export interface RequestTree {
  requestId: string;
  start: number;
  end: number;
  /** Request-level annotations (op_name null). */
  annotations: Array<{ key: string; value: unknown }>;
  roots: TreeNode[];
  totals: Totals;
}


export function emptyTotals(): Totals {
  return { ops: 0, errors: 0, costUsd: 0, costUnknown: false, tokensByModel: {} };
}

function addTotals(into: Totals, from: Totals): void {
  into.ops += from.ops;
  into.errors += from.errors;
  into.costUsd += from.costUsd;
  into.costUnknown ||= from.costUnknown;
  if (from.tokensByModel === NO_TOKENS) return;
  for (const [model, t] of Object.entries(from.tokensByModel)) {
    const m = (into.tokensByModel[model] ??= { prompt: 0, completion: 0, total: 0, costUsd: 0 });
    m.prompt += t.prompt;
    m.completion += t.completion;
    m.total += t.total;
    m.costUsd += t.costUsd;
  }
}

/** Adds one `llm_usage` payload to totals. */
export function addUsage(totals: Totals, usage: Record<string, unknown>): void {
  const model = String(usage.model);
  const m = (totals.tokensByModel[model] ??= { prompt: 0, completion: 0, total: 0, costUsd: 0 });
  m.prompt += Number(usage.prompt_tokens) || 0;
  m.completion += Number(usage.completion_tokens) || 0;
  m.total += Number(usage.total_tokens) || 0;
  m.costUsd += Number(usage.cost_usd) || 0;
  totals.costUsd += Number(usage.cost_usd) || 0;
  if (usage.cost_unknown === true) totals.costUnknown = true;
}

/** Sorts a copy of `events` in the wire format's order, parsing each timestamp once. */
export function sortedEvents(events: Iterable<TraceEvent>): TraceEvent[] {
  return sortEvents(events);
}

/**
 * Lists a node starts with: shared and frozen until the first item arrives, since most nodes
 * never get annotations, usage or media (one array fewer per list per node).
 */
const NONE: never[] = Object.freeze([]) as unknown as never[];
/** Token totals of a subtree without LLM usage: shared, replaced on the first usage. */
const NO_TOKENS: Record<string, ModelTokens> = Object.freeze({}) as Record<string, ModelTokens>;

function newNode(event: TraceEvent, micros: number, inputs: unknown): TreeNode {
  return {
    name: event.op_name ?? '?',
    ctx: event.ctx,
    start: micros,
    end: undefined,
    durationMs: undefined,
    status: 'unfinished',
    error: undefined,
    inputs,
    outputs: undefined,
    yieldCount: 0,
    lastYielded: undefined,
    annotations: NONE,
    usage: NONE,
    media: NONE,
    children: NONE,
    totals: undefined as unknown as Totals, // set once the request is complete
  };
}

function append<K extends 'annotations' | 'usage' | 'media' | 'children'>(node: TreeNode, list: K, item: TreeNode[K][number]): void {
  const items = node[list] as unknown[];
  if (items === NONE) (node as unknown as Record<K, unknown[]>)[list] = [item];
  else items.push(item);
}

function byStart(a: TreeNode, b: TreeNode): number {
  return a.start - b.start;
}

/** Sorts by start unless already in order (children arrive in start order from a sorted stream). */
function sortByStart(nodes: TreeNode[]): void {
  for (let i = 1; i < nodes.length; i++) {
    if (nodes[i - 1]!.start > nodes[i]!.start) {
      nodes.sort(byStart);
      return;
    }
  }
}

function subtreeTotals(node: TreeNode): Totals {
  const totals: Totals = { ops: 1, errors: node.status === 'error' ? 1 : 0, costUsd: 0, costUnknown: false, tokensByModel: NO_TOKENS };
  const usage = node.usage;
  if (usage.length > 0) {
    totals.tokensByModel = {};
    for (const u of usage) addUsage(totals, u);
  }
  const children = node.children;
  if (children.length > 0) {
    sortByStart(children as TreeNode[]); // a list with items is the node's own, never the shared one
    for (const child of children) addSubtree(totals, subtreeTotals(child));
  }
  node.totals = totals;
  return totals;
}

function addSubtree(into: Totals, from: Totals): void {
  if (from.tokensByModel !== NO_TOKENS && into.tokensByModel === NO_TOKENS) into.tokensByModel = {};
  addTotals(into, from);
}

/**
 * The tree of one request, built from its events in the wire format's order. `micros[i]` is the
 * instant of `events[i]`. The common optrail case (a ctx naming its invocation, `name#k`) is
 * keyed by the ctx alone; other shapes (operonx's shared ctx) by op name and ctx.
 */
class RequestTreeBuilder {
  private readonly roots: TreeNode[] = [];
  private readonly annotations: RequestTree['annotations'] = [];
  /** ctx → the invocation there (optrail), and the op most recently started there (operonx). */
  private readonly byCtx = new Map<string, TreeNode>();
  private readonly lastAtCtx = new Map<string, TreeNode>();
  /** (op_name, ctx) → most recent invocation, and the open ones, oldest first. */
  private readonly latest = new Map<string, TreeNode>();
  private readonly open = new Map<string, TreeNode | TreeNode[]>();
  private first = Infinity;
  private last = -Infinity;

  constructor(readonly requestId: string) {}

  add(event: TraceEvent, micros: number): void {
    if (micros < this.first) this.first = micros;
    if (micros > this.last) this.last = micros;
    const payload = event.payload as Record<string, any>;
    const opName = event.op_name;
    if (opName === null) {
      if (event.kind === 'annotation') this.annotations.push({ key: String(payload.key), value: payload.value });
      return;
    }
    const ctx = event.ctx;
    const ctxKey = ctx.length === 1 ? ctx[0]! : ctx.join('\u0000');
    const tail = ctx.length === 0 ? '' : ctx[ctx.length - 1]!;
    const rule = ctx.length === 0 ? 'shared' : parentRule(tail);
    // An optrail invocation segment already names its op; anything else needs the name in the key.
    const key = rule === 'invocation' && tail.lastIndexOf('#') === opName.length && tail.startsWith(opName) ? ctxKey : `\u0001${opName}\u0001${ctxKey}`;
    if (event.kind === 'op_start') {
      const node = newNode(event, micros, payload.inputs);
      this.attach(node, rule, ctxKey, tail);
      this.byCtx.set(ctxKey, node);
      this.lastAtCtx.set(ctxKey, node);
      this.latest.set(key, node);
      const open = this.open.get(key);
      if (open === undefined) this.open.set(key, node);
      else if (Array.isArray(open)) open.push(node);
      else this.open.set(key, [open, node]);
      return;
    }
    const open = this.open.get(key);
    let node = open === undefined ? undefined : event.kind === 'op_end' ? oldest(open) : newest(open);
    node ??= event.kind === 'op_end' ? undefined : this.latest.get(key);
    if (node === undefined) {
      // An event of an op whose op_start is not in the stream: keep it visible rather than lose it.
      node = newNode(event, micros, undefined);
      this.attach(node, rule, ctxKey, tail);
      this.latest.set(key, node);
      this.byCtx.set(ctxKey, node);
      if (event.kind !== 'op_end') this.open.set(key, node);
    } else if (event.kind === 'op_end') {
      this.closeOldest(key, open!);
    }
    switch (event.kind) {
      case 'op_end':
        node.end = micros;
        node.durationMs = typeof payload.duration_ms === 'number' ? payload.duration_ms : (micros - node.start) / 1000;
        node.status = payload.status;
        node.error = payload.error;
        node.outputs = payload.outputs;
        node.yieldCount = Number(payload.yield_count) || node.yieldCount;
        break;
      case 'op_yield':
        node.yieldCount = Math.max(node.yieldCount, (Number(payload.idx) || 0) + 1);
        node.lastYielded = payload.yielded;
        break;
      case 'annotation':
        append(node, 'annotations', { key: String(payload.key), value: payload.value });
        break;
      case 'llm_usage':
        append(node, 'usage', payload);
        break;
      case 'media_ref':
        append(node, 'media', { handle: payload.handle, mime: payload.mime, size_bytes: payload.size_bytes });
        break;
    }
  }

  build(): RequestTree {
    const roots = this.roots;
    sortByStart(roots);
    const totals = emptyTotals();
    for (const root of roots) addTotals(totals, subtreeTotals(root));
    return { requestId: this.requestId, start: this.first, end: this.last, annotations: this.annotations, roots, totals };
  }

  private attach(node: TreeNode, rule: ParentRule, ctxKey: string, tail: string): void {
    let parent: TreeNode | undefined;
    if (rule !== 'shared') {
      // operonx ops sharing a scheduler ctx are siblings at the top.
      const parentKey = ctxKey.length === tail.length ? '' : ctxKey.slice(0, ctxKey.length - tail.length - 1);
      parent = rule === 'invocation' ? this.byCtx.get(parentKey) : this.lastAtCtx.get(parentKey);
    }
    if (parent === undefined) this.roots.push(node);
    else append(parent, 'children', node);
  }

  private closeOldest(key: string, open: TreeNode | TreeNode[]): void {
    if (!Array.isArray(open)) this.open.delete(key);
    else if (open.length <= 2) this.open.set(key, open[open.length - 1]!);
    else open.shift();
  }
}

const oldest = (open: TreeNode | TreeNode[]): TreeNode => (Array.isArray(open) ? open[0]! : open);
const newest = (open: TreeNode | TreeNode[]): TreeNode => (Array.isArray(open) ? open[open.length - 1]! : open);

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
    const followed = this.requests.get(requestId);
    if (followed === undefined) {
      const tree = new RequestTreeBuilder(requestId);
      this.requests.set(requestId, { tree, first: event, firstMicros: micros, last: event, lastMicros: micros });
      tree.add(event, micros);
      return;
    }
    if (compareParsed(micros, event, followed.lastMicros, followed.last) < 0) {
      this.requests.delete(requestId);
      this.outOfOrder.add(requestId);
      return;
    }
    followed.last = event;
    followed.lastMicros = micros;
    followed.tree.add(event, micros);
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
      if (followed === undefined) {
        const tree = new RequestTreeBuilder(event.request_id);
        followed = { tree, first: event, firstMicros: micros[i]!, last: event, lastMicros: micros[i]! };
        rebuilt.set(event.request_id, followed);
      }
      followed.last = event;
      followed.lastMicros = micros[i]!;
      followed.tree.add(event, micros[i]!);
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
