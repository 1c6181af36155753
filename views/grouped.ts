import type { TraceEvent } from '../schemas/trace-event.js';
import { isRequestEnd } from '../src/wire/request-end.js';
import { RequestFollower } from './request-follower.js';
import { addUsage, emptyTotals, type Totals } from './tree-totals.js';

/** An op as the grouped view lists it. */
export interface GroupedOp {
  name: string;
  ctx: readonly string[];
  status: 'ok' | 'error' | 'cancelled' | 'unfinished';
  durationMs: number | undefined;
}

/** A group found from group markers. */
export interface Group {
  name: string;
  /** The `group_start` payload's other keys, as recorded: a null-prototype object (`__proto__` is a key like any other). */
  metadata: Record<string, unknown>;
  status: 'ok' | 'truncated';
  durationMs: number;
  ops: GroupedOp[];
  annotations: Array<{ key: string; value: unknown }>;
  groups: Group[];
  /** Totals of this group, nested groups included. */
  totals: Totals & { durationMs: number };
}

/** One request's grouped view: its groups (turns, phases) and the ops outside any group. */
export interface RequestGroups {
  requestId: string;
  groups: Group[];
  /** Ops outside any group. */
  ungrouped: GroupedOp[];
  /** The whole request: every op (grouped or not) and every LLM usage, request-level usage included. */
  totals: Totals;
}

const NO_PAYLOAD = Object.freeze({});

/**
 * What `buildGrouped` reads of an event, so a big recording can be grouped without holding its
 * inputs, outputs and yields: the event as it is when the view reads its whole payload (group
 * markers, usage, request-level annotations), otherwise a copy with only `status` and
 * `duration_ms` (`op_end`) or an empty payload. `buildGrouped` gives the same view from these as
 * from the events themselves.
 */
export function groupedEssentials(event: TraceEvent): TraceEvent {
  switch (event.kind) {
    case 'group_start':
    case 'group_end':
    case 'llm_usage':
      return event;
    case 'annotation':
      if (event.op_name === null) return event;
      break;
    case 'op_end': {
      const { status, duration_ms } = event.payload as { status?: unknown; duration_ms?: unknown };
      return Object.freeze({ ...event, payload: Object.freeze({ status, duration_ms }) }) as TraceEvent;
    }
  }
  return Object.freeze({ ...event, payload: NO_PAYLOAD }) as TraceEvent;
}

/**
 * A group marker's payload without its name. Its keys come from the data, so they go on an object
 * without a prototype: a reader's `metadata[key]` finds only what was recorded, never an
 * inherited `constructor` or `__proto__`.
 */
function metadataOf(payload: Record<string, unknown>): Record<string, unknown> {
  const metadata = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(payload)) if (key !== 'name') metadata[key] = payload[key];
  return metadata;
}

/** One request's groups, built from its events in the wire format's order. */
export class RequestGroupsBuilder {
  private readonly top: Group[] = [];
  private readonly ungrouped: GroupedOp[] = [];
  private readonly stack: Array<{ group: Group; start: number }> = [];
  private readonly ops = new Map<string, { op: GroupedOp; groups: Group[] }>();
  private readonly totals = emptyTotals();
  private last = 0;

  constructor(readonly requestId: string) {}

  add(event: TraceEvent, micros: number): void {
    const stack = this.stack;
    this.last = Math.max(this.last, micros);
    const payload = event.payload as Record<string, any>;
    // The open groups are read only by the kinds that need them: no list made per event.
    const innermost = stack.length > 0 ? stack[stack.length - 1]!.group : undefined;
    switch (event.kind) {
      case 'group_start': {
        const group: Group = { name: String(payload.name), metadata: metadataOf(payload), status: 'truncated', durationMs: 0, ops: [], annotations: [], groups: [], totals: { ...emptyTotals(), durationMs: 0 } };
        (innermost ? innermost.groups : this.top).push(group);
        stack.push({ group, start: micros });
        break;
      }
      case 'group_end': {
        const name = String(payload.name);
        let at = stack.length - 1;
        while (at >= 0 && stack[at]!.group.name !== name) at--;
        if (at === -1) break;
        const { group, start } = stack.splice(at, 1)[0]!;
        group.status = payload.status === 'truncated' ? 'truncated' : 'ok';
        group.durationMs = (micros - start) / 1000;
        break;
      }
      case 'op_start': {
        const op: GroupedOp = { name: event.op_name ?? '?', ctx: event.ctx, status: 'unfinished', durationMs: undefined };
        const inGroups = stack.map((s) => s.group);
        this.ops.set(`${event.op_name}\u0001${event.ctx.join('\u0000')}`, { op, groups: inGroups });
        (innermost ? innermost.ops : this.ungrouped).push(op);
        for (const g of inGroups) g.totals.ops++;
        this.totals.ops++;
        break;
      }
      case 'op_end': {
        const entry = this.ops.get(`${event.op_name}\u0001${event.ctx.join('\u0000')}`);
        if (!entry) break;
        if (payload.status === 'error') this.totals.errors++;
        entry.op.status = payload.status;
        entry.op.durationMs = payload.duration_ms;
        if (payload.status === 'error') for (const g of entry.groups) g.totals.errors++;
        break;
      }
      case 'llm_usage':
        // Every group open at that instant (a turn and the phase inside it), and the request.
        for (const { group } of stack) addUsage(group.totals, payload);
        addUsage(this.totals, payload);
        break;
      case 'annotation':
        if (event.op_name === null && innermost && !isRequestEnd(event)) innermost.annotations.push({ key: String(payload.key), value: payload.value });
        break;
    }
  }

  build(): RequestGroups {
    for (const { group, start } of this.stack) group.durationMs = (this.last - start) / 1000; // never ended: truncated
    const finish = (group: Group) => {
      group.totals.durationMs = group.durationMs;
      group.groups.forEach(finish);
    };
    this.top.forEach(finish);
    return { requestId: this.requestId, groups: this.top, ungrouped: this.ungrouped, totals: this.totals };
  }
}

/**
 * Follows requests event by event (see `RequestFollower`) and builds their groups: what
 * `buildGrouped` gives, for streams read once (out-of-order requests must be `rebuild`-ed).
 */
export class GroupedBuilder extends RequestFollower<RequestGroups> {
  constructor() {
    super((requestId) => new RequestGroupsBuilder(requestId));
  }
}

/**
 * Per request: the groups found from `group_start` / `group_end` markers (nested groups allowed)
 * with their ops, group-level annotations and totals (ops, errors, duration, tokens, cost), and
 * status `ok`, or `truncated` when the group never ended. Ops outside any group are listed apart;
 * the request's `totals` count every op and every LLM usage, in a group or not.
 */
export function buildGrouped(events: Iterable<TraceEvent>): RequestGroups[] {
  const builder = new GroupedBuilder();
  builder.rebuild(events);
  return builder.build();
}
