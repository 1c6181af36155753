import { z } from 'zod';
import { TraceEventSchema } from './trace-event.js';

/**
 * The JSON Schema (draft 2020-12) of one event, generated from the zod schema. The same text is
 * shipped as `optrail/wire-format.schema.json` for readers in other languages.
 */
export function traceEventJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(TraceEventSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
