import type { TraceEvent } from '../schemas/trace-event.js';
import { isInvocationOf, parentRule, type ParentRule } from '../src/wire/ctx-rules.js';
import { isRequestEnd, type RequestEndValue } from '../src/wire/request-end.js';
import { addTotals, addUsage, emptyTokens, emptyTotals, NO_TOKENS, type Totals } from './tree-totals.js';

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
  /** Request-level annotations (op_name null), its end marker aside. */
  annotations: Array<{ key: string; value: unknown }>;
  /** Request-level LLM usage (op_name null, recorded outside any op): counted in `totals`, on no node. */
  usage: Array<Record<string, unknown>>;
  /** The request's end as its marker says (`optrail.request_end`); `undefined` in streams without one. */
  ended: RequestEndValue | undefined;
  roots: TreeNode[];
  totals: Totals;
}

/**
 * Lists a node starts with: shared and frozen until the first item arrives, since most nodes
 * never get annotations, usage or media (one array fewer per list per node).
 */
const NONE: never[] = Object.freeze([]) as unknown as never[];

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
  // Its own usage and (below) its descendants': every row of the tree shows its subtree's tokens and cost.
  const usage = node.usage;
  if (usage.length > 0) {
    totals.tokensByModel = emptyTokens();
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
  if (from.tokensByModel !== NO_TOKENS && into.tokensByModel === NO_TOKENS) into.tokensByModel = emptyTokens();
  addTotals(into, from);
}

/**
 * The tree of one request, built from its events in the wire format's order. `micros[i]` is the
 * instant of `events[i]`. The common optrail case (a ctx naming its invocation, `name#k`) is
 * keyed by the ctx alone; other shapes (operonx's shared ctx) by op name and ctx.
 */
export class RequestTreeBuilder {
  private readonly roots: TreeNode[] = [];
  private readonly annotations: RequestTree['annotations'] = [];
  private readonly usage: RequestTree['usage'] = [];
  private ended: RequestEndValue | undefined;
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
      if (event.kind === 'llm_usage') this.usage.push(payload);
      if (event.kind !== 'annotation') return;
      if (isRequestEnd(event)) this.ended = payload.value as RequestEndValue;
      else this.annotations.push({ key: String(payload.key), value: payload.value });
      return;
    }
    const ctx = event.ctx;
    const ctxKey = ctx.length === 1 ? ctx[0]! : ctx.join('\u0000');
    const tail = ctx.length === 0 ? '' : ctx[ctx.length - 1]!;
    const rule = ctx.length === 0 ? 'shared' : parentRule(tail);
    // An optrail invocation segment already names its op; anything else needs the name in the key.
    const key = isInvocationOf(tail, opName) ? ctxKey : `\u0001${opName}\u0001${ctxKey}`;
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
    for (const usage of this.usage) addUsage(totals, usage);
    return { requestId: this.requestId, start: this.first, end: this.last, annotations: this.annotations, usage: this.usage, ended: this.ended, roots, totals };
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
