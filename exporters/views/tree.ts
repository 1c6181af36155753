import type { TraceEvent } from '../../schemas/trace-event.js';
import { parseTimestampMicros } from '../../src/clock.js';
import { parentRule } from '../../src/ctx-shape.js';
import { sortEvents } from '../../src/order.js';
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

/** One op invocation. */
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
  annotations: Array<{ key: string; value: unknown }>;
  usage: Array<Record<string, unknown>>;
  media: Array<{ handle: string; mime: string; size_bytes: number }>;
  children: TreeNode[];
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

function newNode(event: TraceEvent, micros: number): TreeNode {
  return {
    name: event.op_name ?? '?',
    ctx: event.ctx,
    start: micros,
    end: undefined,
    durationMs: undefined,
    status: 'unfinished',
    error: undefined,
    inputs: (event.payload as { inputs?: unknown }).inputs,
    outputs: undefined,
    yieldCount: 0,
    lastYielded: undefined,
    annotations: [],
    usage: [],
    media: [],
    children: [],
    totals: emptyTotals(),
  };
}

function buildRequest(requestId: string, events: readonly TraceEvent[]): RequestTree {
  const roots: TreeNode[] = [];
  const annotations: RequestTree['annotations'] = [];
  const byCtx = new Map<string, TreeNode>(); // optrail: ctx → invocation
  const latest = new Map<string, TreeNode>(); // (op_name, ctx) → most recent invocation
  const open = new Map<string, TreeNode[]>(); // (op_name, ctx) → open invocations, oldest first
  const lastAtCtx = new Map<string, TreeNode>(); // operonx: ctx → most recent op started there
  let first = Infinity;
  let last = -Infinity;

  const parentOf = (event: TraceEvent): TreeNode | undefined => {
    const ctx = event.ctx;
    if (ctx.length === 0) return undefined;
    const tail = ctx[ctx.length - 1]!;
    const parentKey = ctx.slice(0, -1).join('\u0000');
    const rule = parentRule(tail);
    if (rule === 'invocation') return byCtx.get(parentKey);
    if (rule === 'item') return lastAtCtx.get(parentKey);
    return undefined; // operonx: ops sharing a scheduler ctx are siblings at the top
  };

  for (const event of events) {
    const micros = parseTimestampMicros(event.timestamp);
    first = Math.min(first, micros);
    last = Math.max(last, micros);
    const payload = event.payload as Record<string, any>;
    if (event.op_name === null) {
      if (event.kind === 'annotation') annotations.push({ key: String(payload.key), value: payload.value });
      continue;
    }
    const ctxKey = event.ctx.join('\u0000');
    const key = `${event.op_name}\u0001${ctxKey}`;
    if (event.kind === 'op_start') {
      const node = newNode(event, micros);
      const parent = parentOf(event);
      (parent ? parent.children : roots).push(node);
      byCtx.set(ctxKey, node);
      lastAtCtx.set(ctxKey, node);
      latest.set(key, node);
      const list = open.get(key);
      if (list) list.push(node);
      else open.set(key, [node]);
      continue;
    }
    let node = event.kind === 'op_end' ? open.get(key)?.[0] : (open.get(key)?.at(-1) ?? latest.get(key));
    if (!node) {
      // An event of an op whose op_start is not in the stream: keep it visible rather than lose it.
      node = newNode(event, micros);
      node.inputs = undefined;
      (parentOf(event)?.children ?? roots).push(node);
      latest.set(key, node);
      byCtx.set(ctxKey, node);
      if (event.kind !== 'op_end') open.set(key, [node]);
    }
    switch (event.kind) {
      case 'op_end':
        open.get(key)?.shift();
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
        node.annotations.push({ key: String(payload.key), value: payload.value });
        break;
      case 'llm_usage':
        node.usage.push(payload);
        break;
      case 'media_ref':
        node.media.push({ handle: payload.handle, mime: payload.mime, size_bytes: payload.size_bytes });
        break;
    }
  }

  const total = (node: TreeNode): Totals => {
    node.children.sort((a, b) => a.start - b.start);
    const totals = emptyTotals();
    totals.ops = 1;
    totals.errors = node.status === 'error' ? 1 : 0;
    for (const usage of node.usage) addUsage(totals, usage);
    for (const child of node.children) addTotals(totals, total(child));
    node.totals = totals;
    return totals;
  };
  roots.sort((a, b) => a.start - b.start);
  const totals = emptyTotals();
  for (const root of roots) addTotals(totals, total(root));
  return { requestId, start: first, end: last, annotations, roots, totals };
}

/**
 * Rebuilds, per request, one node per op invocation from a flat stream in any order (the
 * same events always give the same trees). Works on optrail's ctx paths and on operonx streams
 * (ops sharing a ctx are siblings; an op at `ctx + ["[i]"]` or `ctx + ["yield_i"]` hangs under
 * the generator op at `ctx`). An op that never ended stays in the tree as `unfinished`.
 */
export function buildTree(events: Iterable<TraceEvent>): RequestTree[] {
  const sorted = sortedEvents(events);
  return [...byRequest(sorted)].map(([requestId, list]) => buildRequest(requestId, list));
}
