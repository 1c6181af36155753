import type { TraceEvent } from '../schemas/trace-event.js';
import { buildTimeline } from './timeline.js';
import { buildTree } from './tree.js';

/** One entry of the Chrome Trace Event format. */
export interface ChromeTraceEvent {
  name: string;
  ph: 'X' | 'i' | 'M';
  ts?: number;
  dur?: number;
  pid: number;
  tid?: number;
  s?: 't';
  cat?: string;
  args?: Record<string, unknown>;
}

/**
 * The Chrome Trace Event JSON of a stream: one process per request, complete events (`ph: "X"`)
 * for ops with lanes as thread ids, instant events for annotations, usage, yields and media.
 * Opens in Perfetto and chrome://tracing. Times are microseconds since the Unix epoch.
 */
export function toChromeTrace(events: Iterable<TraceEvent>): { traceEvents: ChromeTraceEvent[]; displayTimeUnit: 'ms' } {
  const list = [...events];
  const trees = buildTree(list);
  const timelines = buildTimeline(list);
  const traceEvents: ChromeTraceEvent[] = [];
  timelines.forEach((timeline, i) => {
    const pid = i + 1;
    const origin = trees[i]!.start;
    traceEvents.push({ name: 'process_name', ph: 'M', pid, args: { name: `request ${timeline.requestId}` } });
    for (const span of timeline.spans) {
      traceEvents.push({
        name: span.name,
        cat: 'op',
        ph: 'X',
        ts: origin + span.offsetMs * 1000,
        dur: span.durationMs * 1000,
        pid,
        tid: span.lane,
        args: { ctx: span.ctx.join('/'), status: span.status },
      });
    }
    for (const point of timeline.points) {
      traceEvents.push({ name: point.label, cat: point.kind, ph: 'i', s: 't', ts: origin + point.offsetMs * 1000, pid, tid: point.lane });
    }
  });
  return { traceEvents, displayTimeUnit: 'ms' };
}
