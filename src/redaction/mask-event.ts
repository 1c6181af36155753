import type { EventKind } from '../../schemas/trace-event.js';
import { REDACTED } from '../base/defaults.js';
import { invocationStart } from '../wire/ctx-rules.js';

/**
 * How redaction fails closed: when a detector, pattern or redactor throws on an event, every
 * field of it that can hold user content is replaced, and only what the wire format needs to
 * stay valid is kept (status, durations, counts, token numbers, sizes, the yield index). The one
 * mask, used by the capture-time default and by the `redact()` processor.
 */

const HIDDEN = Object.freeze({ $redacted: REDACTED });
const HIDDEN_ERROR = Object.freeze({ type: REDACTED, message: REDACTED });

/** A finite, non-negative number from `value`, else 0 (the mask must stay valid whatever it is given). */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** The payload of an event of `kind` with all user content masked. */
export function maskedPayload(kind: EventKind | string, payload: Readonly<Record<string, unknown>>): Record<string, unknown> {
  switch (kind) {
    case 'op_start':
      return { inputs: HIDDEN };
    case 'op_end': {
      const status = payload.status === 'error' || payload.status === 'cancelled' ? payload.status : 'ok';
      return {
        outputs: HIDDEN,
        status,
        duration_ms: count(payload.duration_ms),
        yield_count: Math.floor(count(payload.yield_count)),
        ...(status === 'error' ? { error: HIDDEN_ERROR } : {}),
      };
    }
    case 'op_yield':
      return { yielded: HIDDEN, idx: Math.floor(count(payload.idx)) };
    case 'annotation':
      return { key: REDACTED, value: REDACTED };
    case 'group_start':
      return { name: REDACTED };
    case 'group_end':
      return { name: REDACTED, status: payload.status === 'truncated' ? 'truncated' : 'ok' };
    case 'llm_usage':
      return {
        model: REDACTED,
        prompt_tokens: Math.floor(count(payload.prompt_tokens)),
        completion_tokens: Math.floor(count(payload.completion_tokens)),
        total_tokens: Math.floor(count(payload.total_tokens)),
        cost_usd: count(payload.cost_usd),
        ...(payload.cost_unknown === true ? { cost_unknown: true } : {}),
        ...maskedUsageDetails(payload),
      };
    case 'media_ref':
      return { handle: REDACTED, mime: REDACTED, size_bytes: Math.floor(count(payload.size_bytes)) };
    default:
      return { $redacted: REDACTED };
  }
}

/** The cache and reasoning counts of a masked `llm_usage`: numbers, so they say nothing but how many. */
function maskedUsageDetails(payload: Readonly<Record<string, unknown>>): Record<string, number> {
  const details: Record<string, number> = {};
  for (const key of ['cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens'] as const) {
    if (payload[key] !== undefined) details[key] = Math.floor(count(payload[key]));
  }
  return details;
}

/** A ctx segment masked: `<redacted>`, keeping its invocation number (`#3`) so the tree keeps its shape. */
export function maskedSegment(segment: string): string {
  const hash = invocationStart(segment);
  return hash >= 0 ? REDACTED + segment.slice(hash) : REDACTED;
}
