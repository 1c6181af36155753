/**
 * The top level of an event's payload, field by field, by what the field is to the wire format:
 * - data (`inputs`, `outputs`, `yielded`, an op_end's `error`, a media `handle`, group metadata,
 *   any field a kind does not define): walked (redact-walk.ts); a wire container is never taken
 *   for a secret key, so it stays an object whatever `keys` says;
 * - names (an annotation's `key`, a group's `name`, `model`, `provider`, `mime`): redacted as
 *   names (a secret becomes its hash token, remembered per distinct name);
 * - an annotation's `value`: replaced whole when the annotation's key is a secret key name;
 * - the numbers and statuses the wire format needs (`status`, `duration_ms`, `yield_count`,
 *   `idx`, token counts, `cost_usd`, `size_bytes`): kept as they are, never checked as card
 *   numbers (they must stay numbers). One that is not a number (a replayed, hand-written stream)
 *   is walked as data.
 */
import type { KeyRules } from './redact-keys.js';
import type { NameCache } from './redact-text.js';
import { ObjectCopy } from './payload-walk.js';
import type { PayloadWalker } from './redact-walk.js';

const DATA = 0;
const CONTAINER = 1;
const WIRE_VALUE = 2;
const NAME = 3;
const ANNOTATION_VALUE = 4;

const COUNTS = ['prompt_tokens', 'completion_tokens', 'total_tokens', 'cost_usd', 'cost_unknown', 'cached_prompt_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens'];
const ROLES: Record<string, Map<string, number>> = {
  op_start: new Map([['inputs', CONTAINER]]),
  op_end: new Map([['outputs', CONTAINER], ['error', CONTAINER], ['status', WIRE_VALUE], ['duration_ms', WIRE_VALUE], ['yield_count', WIRE_VALUE]]),
  op_yield: new Map([['yielded', CONTAINER], ['idx', WIRE_VALUE]]),
  annotation: new Map([['key', NAME], ['value', ANNOTATION_VALUE]]),
  group_start: new Map([['name', NAME]]),
  group_end: new Map([['name', NAME], ['status', WIRE_VALUE]]),
  llm_usage: new Map([['model', NAME], ['provider', NAME], ['request_model', NAME], ['response_model', NAME], ['cost_source', NAME], ...COUNTS.map((k): [string, number] => [k, WIRE_VALUE])]),
  media_ref: new Map([['mime', NAME], ['size_bytes', WIRE_VALUE]]),
};
const NO_ROLES = new Map<string, number>();
const STATUSES = new Set(['ok', 'error', 'cancelled', 'truncated']);

function isWireValue(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && STATUSES.has(value));
}

/** The names of payloads, one cache per field (your redactors are told the field). */
export interface PayloadNames {
  key: NameCache;
  name: NameCache;
  model: NameCache;
  provider: NameCache;
  mime: NameCache;
}

/** The top level of payloads, field by field (see the file's comment). */
export class PayloadRules {
  constructor(
    private readonly walker: PayloadWalker,
    private readonly keyRule: KeyRules,
    private readonly names: PayloadNames,
  ) {}

  /** The payload of an event of `kind`, redacted; the same object when nothing changed (a changed one is a new frozen object). */
  redact(kind: string, payload: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
    const roles = ROLES[kind] ?? NO_ROLES;
    let copy: ObjectCopy | undefined;
    for (const k in payload) {
      const v = payload[k];
      const role = roles.get(k) ?? DATA;
      let key = k;
      let next: unknown;
      if (role === CONTAINER) next = this.walker.walk(v, k);
      else if (role === WIRE_VALUE && isWireValue(v)) next = v;
      else if (role === NAME && typeof v === 'string') next = this.name(k, v);
      else if (role === ANNOTATION_VALUE) next = this.annotationValue(payload.key, v);
      else {
        const rule = this.keyRule(k);
        key = rule.name;
        next = rule.secret ? this.walker.whole(v, rule.label) : this.walker.walk(v, k);
      }
      if (copy === undefined && next === v && key === k) continue;
      (copy ??= new ObjectCopy(payload)).set(k, key, next);
    }
    return copy === undefined ? payload : copy.result();
  }

  private name(field: string, value: string): string {
    const out = this.names[field as keyof PayloadNames].get(value);
    // `mime` must stay a non-empty string (a redactor may return '').
    return out === '' && value !== '' ? '<redacted>' : out;
  }

  private annotationValue(key: unknown, value: unknown): unknown {
    if (typeof key !== 'string') return this.walker.walk(value, undefined);
    const rule = this.keyRule(key);
    return rule.secret ? this.walker.whole(value, rule.label) : this.walker.walk(value, key);
  }
}
