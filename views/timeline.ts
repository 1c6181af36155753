import type { TraceEvent } from '../schemas/trace-event.js';
import { llmUsageOf } from '../src/wire/llm-usage.js';
import { addUsageReading, emptyUsageSum } from '../src/wire/llm-usage-sum.js';
import { formatCost } from './format.js';
import { buildTree, type RequestTree, type TreeNode } from './tree.js';

/** One op invocation on the timeline. */
export interface TimelineSpan {
  name: string;
  ctx: readonly string[];
  /** ms from the request's first event. */
  offsetMs: number;
  /** ms; for an unfinished op, up to the request's last event. */
  durationMs: number;
  depth: number;
  /** Spans that overlap in time never share a lane. */
  lane: number;
  status: TreeNode['status'];
}

/** A moment on the timeline: an annotation, a usage record, a yield. */
export interface TimelinePoint {
  kind: 'annotation' | 'llm_usage' | 'op_yield' | 'media_ref';
  offsetMs: number;
  lane: number;
  label: string;
}

/** One request's timeline: its spans in lanes and its point events, offsets from the request's start. */
export interface RequestTimeline {
  requestId: string;
  durationMs: number;
  spans: TimelineSpan[];
  points: TimelinePoint[];
  lanes: number;
}

/** `gpt-4o 1500 tok $0.0045`, or `… cost unknown`: one call, read as every view reads it. */
function usageLabel(payload: Readonly<Record<string, unknown>>): string {
  const call = emptyUsageSum();
  const reading = llmUsageOf(payload);
  addUsageReading(call, reading);
  return `${reading.model} ${call.total} tok ${formatCost(call)}`;
}

function walk(tree: RequestTree, visit: (node: TreeNode, depth: number) => void): void {
  const go = (node: TreeNode, depth: number) => {
    visit(node, depth);
    for (const child of node.children) go(child, depth + 1);
  };
  for (const root of tree.roots) go(root, 0);
}

/**
 * Per request: spans with their offset from the request's start, duration, depth and lane (a
 * greedy interval colouring, so concurrent spans get different lanes and a lane is reused as
 * soon as it is free), plus point events. Events in any order give the same timeline.
 */
export function buildTimeline(events: Iterable<TraceEvent>): RequestTimeline[] {
  return buildTree(events).map(timelineOf);
}

/** The timeline of one request tree (from `buildTree`, `readTrees` or a `TreeBuilder`). */
export function timelineOf(tree: RequestTree): RequestTimeline {
  const origin = tree.start;
  const nodes: Array<{ node: TreeNode; depth: number }> = [];
  walk(tree, (node, depth) => nodes.push({ node, depth }));
  nodes.sort((a, b) => a.node.start - b.node.start || a.depth - b.depth);
  const laneEnds: number[] = [];
  const spans: TimelineSpan[] = [];
  const points: TimelinePoint[] = [];
  for (const { node, depth } of nodes) {
    const end = node.end ?? tree.end;
    let lane = laneEnds.findIndex((laneEnd) => laneEnd <= node.start);
    if (lane === -1) lane = laneEnds.push(end) - 1;
    else laneEnds[lane] = end;
    const offsetMs = (node.start - origin) / 1000;
    spans.push({ name: node.name, ctx: node.ctx, offsetMs, durationMs: (end - node.start) / 1000, depth, lane, status: node.status });
    for (const a of node.annotations) points.push({ kind: 'annotation', offsetMs, lane, label: `${a.key}=${JSON.stringify(a.value)}` });
    for (const u of node.usage) points.push({ kind: 'llm_usage', offsetMs: (end - origin) / 1000, lane, label: usageLabel(u) });
    for (const m of node.media) points.push({ kind: 'media_ref', offsetMs, lane, label: `${m.mime} ${m.size_bytes} B` });
    if (node.yieldCount > 0) points.push({ kind: 'op_yield', offsetMs: (end - origin) / 1000, lane, label: `${node.yieldCount} yields` });
  }
  return { requestId: tree.requestId, durationMs: (tree.end - tree.start) / 1000, spans, points, lanes: laneEnds.length };
}
