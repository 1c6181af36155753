import { DEFAULT_OTLP_MAX_OPEN_REQUESTS } from '../base/defaults.js';
import type { TraceEvent } from '../../schemas/trace-event.js';
import { BoundedMap } from '../base/bounded-map.js';
import { parseTimestampMicros } from '../wire/clock.js';
import { invocationSegment, parentRule } from '../wire/ctx-rules.js';
import { isRequestEnd, RequestCompletion, type RequestEndValue } from '../wire/request-end.js';
import { llmUsageOf } from '../wire/llm-usage.js';
import { attribute, jsonAttribute } from './attributes.js';
import { spanIdFor, traceIdFor } from './ids.js';
import { CallUsage, UsageRollup } from './usage-attributes.js';
import { KIND_INTERNAL, LOCAL_SAMPLED_FLAGS, STATUS_ERROR, STATUS_UNSET, type OtlpEvent, type OtlpKeyValue, type OtlpSpan } from './types.js';


interface OpenSpan {
  span: OtlpSpan;
  annotationCounts: Map<string, number>;
  /** The op's own LLM calls; made on the first. */
  usage: CallUsage | undefined;
}

interface RequestState {
  traceId: string;
  rootSpanId: string;
  first: number;
  last: number;
  open: number;
  /** A state made for late events of a request whose root span was already sent: no second root. */
  late: boolean;
  /** From the request's end marker: the run failed. */
  failed: boolean;
  attributes: OtlpKeyValue[];
  spans: Map<string, OpenSpan[]>;
  spanIdByCtx: Map<string, string>;
  lastSpanIdAtCtx: Map<string, string>;
  occurrences: Map<string, number>;
  groups: Array<{ name: string; span: OtlpSpan; usage: UsageRollup }>;
  /** Every LLM call of the request (in an op or not), for the root span. */
  usage: UsageRollup;
}

const nanos = (micros: number) => `${micros}000`;

function newSpan(traceId: string, spanId: string, parentSpanId: string | undefined, name: string, micros: number): OtlpSpan {
  const span: OtlpSpan = {
    traceId,
    spanId,
    name,
    kind: KIND_INTERNAL,
    startTimeUnixNano: nanos(micros),
    endTimeUnixNano: nanos(micros),
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    status: { code: STATUS_UNSET },
    links: [],
    droppedLinksCount: 0,
    flags: LOCAL_SAMPLED_FLAGS,
  };
  if (parentSpanId !== undefined) span.parentSpanId = parentSpanId;
  return span;
}

/**
 * Turns optrail events into OTLP spans: one span per op invocation (sent as soon as the op
 * ends), one per group, and one root span per request, sent when the request is complete (its
 * end marker, or the end of the stream; see `RequestCompletion`). Late events of a completed
 * request become spans of the same trace under the same root, which is not sent again. Ids are
 * derived from the request id and ctx, so the same stream always yields the same ids; the parent
 * of an invocation is its ctx minus the last segment (operonx streams: the generator op for
 * `[i]` / `yield_i` items, else the root). LLM ops carry the OpenTelemetry GenAI attributes of
 * their own calls; the root span and group spans carry the LLM usage rolled up over the request
 * and the group (`optrail.usage.*`, see usage-attributes.ts).
 */
export class OtlpSpanBuilder {
  /** Open requests, oldest first (closed early past `maxOpenRequests`, by `stateOf`). */
  private readonly requests = new BoundedMap<string, RequestState>();
  private readonly completion = new RequestCompletion();

  constructor(private readonly maxOpenRequests = DEFAULT_OTLP_MAX_OPEN_REQUESTS) {}

  /** Takes one event; returns the spans it completed. */
  take(event: TraceEvent): OtlpSpan[] {
    const done: OtlpSpan[] = [];
    const micros = parseTimestampMicros(event.timestamp);
    const phase = this.completion.phase(event);
    const state = this.stateOf(event.request_id, micros, done, phase === 'late');
    state.first = Math.min(state.first, micros);
    state.last = Math.max(state.last, micros);
    const payload = event.payload as Record<string, any>;
    switch (event.kind) {
      case 'op_start':
        this.start(state, event, micros);
        break;
      case 'op_end': {
        const open = this.openSpan(state, event);
        if (!open) break;
        this.finish(state, event, open, micros, payload);
        done.push(open.span);
        state.open--;
        break;
      }
      case 'op_yield': {
        const open = this.openSpan(state, event);
        open?.span.events.push(spanEvent(micros, 'optrail.yield', [attribute('optrail.yield.idx', payload.idx), attribute('optrail.yielded', jsonAttribute(payload.yielded))]));
        break;
      }
      case 'annotation': {
        if (isRequestEnd(event)) {
          state.failed ||= (payload.value as RequestEndValue | undefined)?.status === 'error';
          this.closeRequest(event.request_id, state, done);
          break;
        }
        const key = String(payload.key);
        const open = event.op_name === null ? undefined : this.openSpan(state, event);
        if (!open) {
          state.attributes.push(attribute(`optrail.annotation.${key}`, payload.value));
          break;
        }
        const seen = (open.annotationCounts.get(key) ?? 0) + 1;
        open.annotationCounts.set(key, seen);
        if (seen === 1) open.span.attributes.push(attribute(`optrail.annotation.${key}`, payload.value));
        else {
          // A repeated key: every occurrence becomes a span event (the first one too).
          if (seen === 2) {
            const first = open.span.attributes.find((a) => a.key === `optrail.annotation.${key}`)!;
            open.span.events.push(spanEvent(micros, 'optrail.annotation', [attribute('optrail.annotation.key', key), { key: 'optrail.annotation.value', value: first.value }]));
          }
          open.span.events.push(spanEvent(micros, 'optrail.annotation', [attribute('optrail.annotation.key', key), attribute('optrail.annotation.value', payload.value)]));
        }
        break;
      }
      case 'llm_usage': {
        const call = llmUsageOf(payload);
        // The request's and each open group's rollups take every call, the op's span its own.
        state.usage.add(call);
        for (const group of state.groups) group.usage.add(call);
        const open = this.openSpan(state, event);
        if (open) (open.usage ??= new CallUsage()).add(call);
        break;
      }
      case 'media_ref': {
        const open = this.openSpan(state, event);
        open?.span.events.push(
          spanEvent(micros, 'optrail.media', [attribute('optrail.media.handle', payload.handle), attribute('optrail.media.mime', payload.mime), attribute('optrail.media.size_bytes', payload.size_bytes)]),
        );
        break;
      }
      case 'group_start': {
        const name = String(payload.name);
        const n = this.occurrence(state, `group:${name}`);
        const span = newSpan(state.traceId, spanIdFor(event.request_id, invocationSegment(`group:${name}`, n)), state.rootSpanId, `group ${name}`, micros);
        span.attributes.push(attribute('optrail.group.name', name));
        for (const [key, value] of Object.entries(payload)) if (key !== 'name') span.attributes.push(attribute(`optrail.group.${key}`, value));
        state.groups.push({ name, span, usage: new UsageRollup() });
        break;
      }
      case 'group_end': {
        const at = state.groups.map((g) => g.name).lastIndexOf(String(payload.name));
        if (at === -1) break;
        const [group] = state.groups.splice(at, 1);
        group!.span.endTimeUnixNano = nanos(micros);
        if (payload.status === 'truncated') group!.span.attributes.push(attribute('optrail.group.status', 'truncated'));
        pushAll(group!.span.attributes, group!.usage.attributes());
        done.push(group!.span);
        break;
      }
    }
    return done;
  }

  /** Everything still open, exported as it stands (`optrail.unfinished = true`), and the roots. */
  drain(): OtlpSpan[] {
    const out: OtlpSpan[] = [];
    for (const [requestId, state] of [...this.requests]) this.closeRequest(requestId, state, out, true);
    return out;
  }

  private stateOf(requestId: string, micros: number, done: OtlpSpan[], late: boolean): RequestState {
    let state = this.requests.get(requestId);
    if (state) return state;
    if (this.requests.size >= this.maxOpenRequests) {
      const [oldestId, oldest] = this.requests.oldest()!;
      this.closeRequest(oldestId, oldest, done, true);
    }
    state = {
      traceId: traceIdFor(requestId),
      rootSpanId: spanIdFor(requestId, 'main'),
      first: micros,
      last: micros,
      open: 0,
      late,
      failed: false,
      attributes: [attribute('optrail.request_id', requestId)],
      spans: new Map(),
      spanIdByCtx: new Map(),
      lastSpanIdAtCtx: new Map(),
      occurrences: new Map(),
      groups: [],
      usage: new UsageRollup(),
    };
    this.requests.set(requestId, state);
    return state;
  }

  private occurrence(state: RequestState, key: string): number {
    const n = state.occurrences.get(key) ?? 0;
    state.occurrences.set(key, n + 1);
    return n;
  }

  private start(state: RequestState, event: TraceEvent, micros: number): void {
    const ctx = event.ctx;
    const ctxKey = ctx.join('/');
    const tail = ctx[ctx.length - 1] ?? '';
    const parentKey = ctx.slice(0, -1).join('/');
    let spanKey: string;
    let parent: string | undefined;
    const rule = parentRule(tail);
    if (rule === 'invocation') {
      spanKey = ctxKey;
      parent = parentKey === 'main' ? state.rootSpanId : (state.spanIdByCtx.get(parentKey) ?? state.rootSpanId);
    } else {
      // operonx: an invocation is (op_name, ctx), repeated in sequence; count occurrences.
      const invocation = `${event.op_name}@${ctxKey}`;
      spanKey = invocationSegment(invocation, this.occurrence(state, invocation));
      parent = rule === 'item' ? (state.lastSpanIdAtCtx.get(parentKey) ?? state.rootSpanId) : state.rootSpanId;
    }
    const spanId = spanIdFor(event.request_id, spanKey);
    const span = newSpan(state.traceId, spanId, parent, event.op_name ?? 'op', micros);
    span.attributes.push(attribute('optrail.ctx', ctxKey));
    span.attributes.push(attribute('optrail.inputs', jsonAttribute((event.payload as { inputs?: unknown }).inputs ?? {})));
    state.spanIdByCtx.set(ctxKey, spanId);
    state.lastSpanIdAtCtx.set(ctxKey, spanId);
    const key = `${event.op_name}\u0001${ctxKey}`;
    const list = state.spans.get(key);
    const open: OpenSpan = { span, annotationCounts: new Map(), usage: undefined };
    if (list) list.push(open);
    else state.spans.set(key, [open]);
    state.open++;
  }

  private openSpan(state: RequestState, event: TraceEvent): OpenSpan | undefined {
    return state.spans.get(`${event.op_name}\u0001${event.ctx.join('/')}`)?.[0];
  }

  private finish(state: RequestState, event: TraceEvent, open: OpenSpan, micros: number, payload: Record<string, any>): void {
    const key = `${event.op_name}\u0001${event.ctx.join('/')}`;
    const list = state.spans.get(key)!;
    list.shift();
    if (list.length === 0) state.spans.delete(key);
    const span = open.span;
    span.endTimeUnixNano = nanos(micros);
    span.attributes.push(attribute('optrail.outputs', jsonAttribute(payload.outputs ?? {})));
    span.attributes.push(attribute('optrail.yield_count', Number(payload.yield_count) || 0));
    if (payload.status === 'error') {
      span.status = { code: STATUS_ERROR, message: String(payload.error?.message ?? 'error') };
      span.attributes.push(attribute('error.type', String(payload.error?.type ?? 'Error')));
    } else if (payload.status === 'cancelled') {
      span.attributes.push(attribute('optrail.status', 'cancelled'));
    }
    addGenAi(span, open.usage);
  }

  /** Pushes the request's remaining spans and its root onto `out` (one by one: a spread of 100 000+ spans overflows the stack). */
  private closeRequest(requestId: string, state: RequestState, out: OtlpSpan[], unfinished = false): void {
    this.requests.delete(requestId);
    this.completion.complete(requestId, true);
    if (unfinished) {
      for (const list of state.spans.values()) {
        for (const open of list) {
          open.span.endTimeUnixNano = nanos(state.last);
          open.span.attributes.push(attribute('optrail.unfinished', true));
          addGenAi(open.span, open.usage);
          out.push(open.span);
        }
      }
      for (const group of state.groups) {
        group.span.endTimeUnixNano = nanos(state.last);
        group.span.attributes.push(attribute('optrail.group.status', 'truncated'));
        pushAll(group.span.attributes, group.usage.attributes());
        out.push(group.span);
      }
    }
    const late = state.late;
    if (!unfinished && (state.open > 0 || state.groups.length > 0)) {
      // Ended with ops or groups still open: their spans wait for their late ends, under this root.
      state.late = true;
      this.requests.set(requestId, state);
    }
    if (late) return; // the root went with the request's first completion
    const root = newSpan(state.traceId, state.rootSpanId, undefined, 'optrail.request', state.first);
    root.endTimeUnixNano = nanos(state.last);
    for (const attr of state.attributes) root.attributes.push(attr);
    if (state.failed) root.status = { code: STATUS_ERROR, message: 'the run failed' };
    if (unfinished && state.open > 0) root.attributes.push(attribute('optrail.unfinished', true));
    pushAll(root.attributes, state.usage.attributes());
    out.push(root);
  }
}

function spanEvent(micros: number, name: string, attributes: OtlpKeyValue[]): OtlpEvent {
  return { timeUnixNano: nanos(micros), name, attributes, droppedAttributesCount: 0 };
}

/** The OpenTelemetry GenAI semantic conventions for an op that recorded LLM usage. */
function addGenAi(span: OtlpSpan, usage: OpenSpan['usage']): void {
  if (usage !== undefined) pushAll(span.attributes, usage.attributes());
}

function pushAll(into: OtlpKeyValue[], items: readonly OtlpKeyValue[]): void {
  for (const item of items) into.push(item);
}
