import type { TraceEvent } from '../../schemas/trace-event.js';
import { NO_CTX } from '../recording/context.js';

/**
 * An event optrail adds to a stream (a group marker, a drop or invariant marker, a summary),
 * placed at `source`: same request, timestamp and seq, bound to no op, with the id
 * `{source.event_id}:{suffix}`, frozen.
 */
export function syntheticAt(source: TraceEvent, suffix: string, kind: TraceEvent['kind'], payload: Record<string, unknown>): TraceEvent {
  return Object.freeze({
    event_id: `${source.event_id}:${suffix}`,
    request_id: source.request_id,
    kind,
    op_name: null,
    ctx: NO_CTX,
    timestamp: source.timestamp,
    seq: source.seq,
    payload: Object.freeze(payload),
  }) as TraceEvent;
}
