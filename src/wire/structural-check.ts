import { TIMESTAMP_PATTERN } from '../../schemas/trace-event.js';

/**
 * A fast, sound pre-check of the event schemas: it returns true only for values the zod schemas
 * accept (test/event-fast-check.test.ts checks that against zod on random values), so readers
 * can skip zod for the common case. Anything it does not recognize goes to zod, which stays the
 * single source of truth and writes the error messages.
 */

const OP_END_STATUS = new Set(['ok', 'error', 'cancelled']);
const GROUP_END_STATUS = new Set(['ok', 'truncated']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isAmount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isText = (v: unknown) => typeof v === 'string';
const isName = (v: unknown) => typeof v === 'string' && v.length > 0;

const USAGE_COUNTS = ['cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cached_prompt_tokens'] as const;
const USAGE_NAMES = ['cost_source', 'provider', 'request_model', 'response_model'] as const;

/** The optional fields of `llm_usage`: absent, or of their type. */
function usageDetailsOk(p: Record<string, unknown>): boolean {
  for (const key of USAGE_COUNTS) if (p[key] !== undefined && !isCount(p[key])) return false;
  for (const key of USAGE_NAMES) if (p[key] !== undefined && !isText(p[key])) return false;
  return p.cost_unknown === undefined || typeof p.cost_unknown === 'boolean';
}

function payloadOk(kind: string, p: Record<string, unknown>): boolean {
  switch (kind) {
    case 'op_start':
      return isObject(p.inputs);
    case 'op_end': {
      if (!isObject(p.outputs) || !OP_END_STATUS.has(p.status as string) || !isAmount(p.duration_ms) || !isCount(p.yield_count)) return false;
      const error = p.error;
      return error === undefined || (isObject(error) && isText(error.type) && isText(error.message));
    }
    case 'op_yield':
      return isObject(p.yielded) && isCount(p.idx);
    case 'annotation':
      return isText(p.key);
    case 'group_start':
      return isText(p.name);
    case 'group_end':
      return isText(p.name) && GROUP_END_STATUS.has(p.status as string);
    case 'llm_usage':
      return isText(p.model) && isCount(p.prompt_tokens) && isCount(p.completion_tokens) && isCount(p.total_tokens) && isAmount(p.cost_usd) && usageDetailsOk(p);
    case 'media_ref':
      return isName(p.handle) && isName(p.mime) && isCount(p.size_bytes);
    default:
      return false;
  }
}

/** True when `value` is certainly a valid event of a known kind; false means "ask zod". */
export function surelyValidEvent(value: unknown): boolean {
  if (!isObject(value)) return false;
  const ctx = value.ctx;
  if (!isName(value.event_id) || !isName(value.request_id) || !isCount(value.seq) || !Array.isArray(ctx)) return false;
  if (value.op_name !== null && !isText(value.op_name)) return false;
  for (let i = 0; i < ctx.length; i++) if (typeof ctx[i] !== 'string') return false;
  if (!isText(value.timestamp) || !TIMESTAMP_PATTERN.test(value.timestamp as string)) return false;
  const payload = value.payload;
  return isObject(payload) && payloadOk(value.kind as string, payload);
}
