/**
 * The event `redact()` emits when redacting it threw (issue 15 §5): every field that can hold
 * user content masked — payload data, op name, every ctx segment (its invocation number kept),
 * model, provider, mime, handle, annotation key, group name (the one mask of
 * src/redaction/mask-event.ts) — the request id as the request's other events have it (its
 * pseudonym when it holds a secret or was never decided), the event id following it. Kept: kind,
 * timestamp, seq and what the wire format needs to stay valid (status, duration, counts, token
 * numbers, size, yield index). Every field is read defensively: the event may be what threw
 * (a getter, a Proxy), and the mask itself must not.
 */
import type { TraceEvent } from '../schemas/trace-event.js';
import { REDACTED } from '../src/base/defaults.js';
import { maskedPayload, maskedSegment } from '../src/redaction/mask-event.js';
import type { EnvelopeRules } from './redact-envelope.js';

const UNREADABLE = Symbol('unreadable');
/** What the mask keeps of a payload, when it is a number, a boolean or a string (status). */
const KEPT_FIELDS = ['status', 'duration_ms', 'yield_count', 'idx', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'cost_usd', 'cost_unknown', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'size_bytes'];
const MASKED_CTX: readonly string[] = Object.freeze([REDACTED]);
/** Stands for an id that cannot be read: the pseudonym of this text. */
const UNREADABLE_ID = '\u0000unreadable id';

function read(value: unknown, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return UNREADABLE;
  }
}

/** The payload fields the mask may keep, copied into a plain object (no getter left to throw). */
function keptFields(payload: unknown): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (payload === null || typeof payload !== 'object') return kept;
  for (const key of KEPT_FIELDS) {
    const value = read(payload, key);
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') kept[key] = value;
  }
  return kept;
}

function maskedCtx(ctx: unknown): readonly string[] {
  try {
    if (!Array.isArray(ctx)) return MASKED_CTX;
    return Object.freeze(ctx.map((segment) => (typeof segment === 'string' ? maskedSegment(segment) : REDACTED)));
  } catch {
    return MASKED_CTX;
  }
}

/** `event` masked whole (see the file's comment); never throws. */
export function failClosed(event: TraceEvent, envelope: EnvelopeRules): TraceEvent {
  const kind = read(event, 'kind');
  const rawRequest = read(event, 'request_id');
  const rawEvent = read(event, 'event_id');
  const requestId = typeof rawRequest === 'string' ? rawRequest : UNREADABLE_ID;
  const requestOut = envelope.maskedRequestId(requestId);
  const eventId = typeof rawEvent === 'string' ? envelope.maskedEventId(rawEvent, requestId, requestOut) : envelope.pseudonymOf(UNREADABLE_ID, 'evt');
  const opName = read(event, 'op_name');
  const seq = read(event, 'seq');
  const timestamp = read(event, 'timestamp');
  const payload = Object.freeze(maskedPayload(typeof kind === 'string' ? kind : '', keptFields(read(event, 'payload'))));
  return Object.freeze({
    event_id: eventId,
    request_id: requestOut,
    kind: typeof kind === 'string' ? kind : REDACTED,
    op_name: opName === null ? null : REDACTED,
    ctx: maskedCtx(read(event, 'ctx')),
    timestamp: typeof timestamp === 'string' ? timestamp : String(timestamp === UNREADABLE ? '' : timestamp),
    seq: typeof seq === 'number' ? seq : 0,
    payload,
  }) as TraceEvent;
}

/**
 * The end marker of a request whose id check threw: its value (status, duration, open count)
 * carries no user content and stays, so consumers still see the request end; only the ids change.
 */
export function endMarkerClosed(event: TraceEvent, envelope: EnvelopeRules): TraceEvent {
  const requestOut = envelope.maskedRequestId(event.request_id);
  return Object.freeze({ ...event, request_id: requestOut, event_id: envelope.maskedEventId(event.event_id, event.request_id, requestOut) });
}
