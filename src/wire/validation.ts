import type { z } from 'zod';
import { TraceEventSchema, UnknownKindEventSchema, type TraceEvent } from '../../schemas/trace-event.js';
import { deepFreeze } from './deep-freeze.js';
import { surelyValidEvent } from './structural-check.js';

/** The schema of each kind, taken from the union's members: one lookup instead of a union parse. */
const SCHEMA_OF_KIND: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>(
  TraceEventSchema.options.map((member) => [member.shape.kind.value, member]),
);

/** The result of checking one parsed JSON value against the wire format. */
export type Validation = { ok: true; event: TraceEvent } | { ok: false; message: string };

/**
 * Checks a parsed JSON value with the schemas and, when it is an event, freezes it and returns
 * it as parsed (key order and unknown keys kept, so writing it again gives the same bytes).
 * Messages name the field: `payload.status: Invalid option: expected one of "ok"|"error"|"cancelled"`.
 */
export function validateEvent(value: unknown, allowUnknownKinds = false): Validation {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: `expected an event object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}` };
  }
  const kind = (value as { kind?: unknown }).kind;
  if (surelyValidEvent(value)) return { ok: true, event: deepFreeze(value) as TraceEvent };
  const schema = typeof kind === 'string' ? SCHEMA_OF_KIND.get(kind) : undefined;
  if (schema === undefined && !allowUnknownKinds) {
    return { ok: false, message: kind === undefined ? 'missing "kind"' : `unknown kind ${JSON.stringify(kind)}` };
  }
  const result = (schema ?? UnknownKindEventSchema).safeParse(value);
  if (!result.success) {
    const first = result.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
    const more = result.error.issues.length > 3 ? ` (+${result.error.issues.length - 3} more)` : '';
    return { ok: false, message: first.join('; ') + more };
  }
  return { ok: true, event: deepFreeze(value) as TraceEvent };
}
