import { z } from 'zod';

/**
 * The zod schemas of optrail's wire format, version 1 (see docs/wire-format.md).
 * They are the executable form of the format: readers validate with them, the JSON Schema
 * shipped in the package is generated from them, and the TypeScript types are inferred from them.
 */

/** The eight event kinds, in the order the wire format lists them. */
export const EVENT_KINDS = [
  'op_start',
  'op_end',
  'op_yield',
  'annotation',
  'group_start',
  'group_end',
  'llm_usage',
  'media_ref',
] as const;

/** The text of a timestamp: UTC ISO-8601 with 0 to 9 fractional digits (optrail writes 6). */
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** UTC ISO-8601 with 0 to 9 fractional digits; optrail itself always writes 6. */
export const TimestampSchema = z.string().regex(TIMESTAMP_PATTERN, 'timestamp must be UTC ISO-8601 ending in Z');

const jsonObject = z.record(z.string(), z.unknown());
const nonNegativeInt = z.number().int().nonnegative();

/** `{type, message}` carried by an `op_end` whose status is `error`. */
export const OpErrorSchema = z.looseObject({ type: z.string(), message: z.string() });

/** Payload of `op_start`: the captured `inputs` of the call, by parameter name. */
export const OpStartPayloadSchema = z.looseObject({ inputs: jsonObject });
/** Payload of `op_end`: captured `outputs`, `status` (`ok`, `error`, `cancelled`), `duration_ms`, `yield_count`, and `error` when the status is `error`. */
export const OpEndPayloadSchema = z.looseObject({
  outputs: jsonObject,
  status: z.enum(['ok', 'error', 'cancelled']),
  duration_ms: z.number().nonnegative(),
  yield_count: nonNegativeInt,
  error: OpErrorSchema.optional(),
});
/** Payload of `op_yield`: the captured value a generator yielded (`yielded`) and its index `idx` from 0. */
export const OpYieldPayloadSchema = z.looseObject({ yielded: jsonObject, idx: nonNegativeInt });
/** Payload of `annotation`: a `key` and any JSON `value` (keys starting `optrail.` are reserved markers). */
export const AnnotationPayloadSchema = z
  .looseObject({ key: z.string(), value: z.unknown() })
  .meta({
    description:
      'User metadata on an op or the request. Reserved at request level (op_name null, ctx []): key "optrail.request_end" marks the end of a request, value {status: "ok"|"error", duration_ms, open}, written once the run settled and its ops and groups ended (docs/wire-format.md, "The end of a request"); key "optrail.dropped" marks dropped events.',
  });
/** Payload of `group_start`: the group's `name` and its metadata. */
export const GroupStartPayloadSchema = z.looseObject({ name: z.string() });
/** Payload of `group_end`: the group's `name` and `status` (`ok`, or `truncated` when shutdown closed it). */
export const GroupEndPayloadSchema = z.looseObject({
  name: z.string(),
  status: z.enum(['ok', 'truncated']),
});
/**
 * Payload of `llm_usage`: `model`, token counts and `cost_usd` (`cost_unknown: true` when no price
 * was known), and, when the recorder knew them, the provider, the request and response models,
 * the cache and reasoning counts (parts of `prompt_tokens` and `completion_tokens`) and where the
 * cost came from.
 */
export const LlmUsagePayloadSchema = z.looseObject({
  model: z.string(),
  prompt_tokens: nonNegativeInt,
  completion_tokens: nonNegativeInt,
  total_tokens: nonNegativeInt,
  cost_usd: z.number().nonnegative(),
  cost_unknown: z.boolean().optional(),
  cost_source: z.string().optional(),
  provider: z.string().optional(),
  request_model: z.string().optional(),
  response_model: z.string().optional(),
  cache_read_tokens: nonNegativeInt.optional(),
  cache_write_tokens: nonNegativeInt.optional(),
  reasoning_tokens: nonNegativeInt.optional(),
  cached_prompt_tokens: nonNegativeInt.optional(),
});
/** Payload of `media_ref`: the media store's `handle`, the bytes' `mime` type and `size_bytes`. */
export const MediaRefPayloadSchema = z.looseObject({
  handle: z.string().min(1),
  mime: z.string().min(1),
  size_bytes: nonNegativeInt,
});

const envelope = {
  event_id: z.string().min(1),
  request_id: z.string().min(1),
  op_name: z.string().nullable(),
  ctx: z.array(z.string()),
  timestamp: TimestampSchema,
  seq: nonNegativeInt,
};

function eventOf<K extends (typeof EVENT_KINDS)[number], P extends z.ZodType>(kind: K, payload: P) {
  return z.looseObject({ ...envelope, kind: z.literal(kind), payload });
}

/** An `op_start` event: an op invocation began. */
export const OpStartEventSchema = eventOf('op_start', OpStartPayloadSchema);
/** An `op_end` event: an op invocation ended (returned, threw or was cancelled). */
export const OpEndEventSchema = eventOf('op_end', OpEndPayloadSchema);
/** An `op_yield` event: a traced generator yielded a value. */
export const OpYieldEventSchema = eventOf('op_yield', OpYieldPayloadSchema);
/** An `annotation` event: user metadata on an op or the request, or a marker optrail writes. */
export const AnnotationEventSchema = eventOf('annotation', AnnotationPayloadSchema);
/** A `group_start` event: a group (a turn, a phase) opened. */
export const GroupStartEventSchema = eventOf('group_start', GroupStartPayloadSchema);
/** A `group_end` event: a group closed. */
export const GroupEndEventSchema = eventOf('group_end', GroupEndPayloadSchema);
/** An `llm_usage` event: tokens and cost of one model call. */
export const LlmUsageEventSchema = eventOf('llm_usage', LlmUsagePayloadSchema);
/** A `media_ref` event: bytes stored in the media store, referenced by handle. */
export const MediaRefEventSchema = eventOf('media_ref', MediaRefPayloadSchema);

/** One event of the stream: a discriminated union on `kind`. */
export const TraceEventSchema = z
  .discriminatedUnion('kind', [
    OpStartEventSchema,
    OpEndEventSchema,
    OpYieldEventSchema,
    AnnotationEventSchema,
    GroupStartEventSchema,
    GroupEndEventSchema,
    LlmUsageEventSchema,
    MediaRefEventSchema,
  ])
  .meta({
    id: 'TraceEvent',
    title: 'optrail TraceEvent',
    description: 'One event of an optrail stream (wire format version 1).',
  });

/**
 * The lenient envelope: any kind string with an object payload. Readers use it only where a
 * caller asks for leniency (`readEvents(src, { allowUnknownKinds: true })`).
 */
export const UnknownKindEventSchema = z.looseObject({
  ...envelope,
  kind: z.string().min(1),
  payload: jsonObject,
});

/** One of the eight event kinds (`EVENT_KINDS`). */
export type EventKind = (typeof EVENT_KINDS)[number];
/** The payload of an `op_start` event. */
export type OpStartPayload = z.infer<typeof OpStartPayloadSchema>;
/** The payload of an `op_end` event. */
export type OpEndPayload = z.infer<typeof OpEndPayloadSchema>;
/** The payload of an `op_yield` event. */
export type OpYieldPayload = z.infer<typeof OpYieldPayloadSchema>;
/** The payload of an `annotation` event. */
export type AnnotationPayload = z.infer<typeof AnnotationPayloadSchema>;
/** The payload of a `group_start` event. */
export type GroupStartPayload = z.infer<typeof GroupStartPayloadSchema>;
/** The payload of a `group_end` event. */
export type GroupEndPayload = z.infer<typeof GroupEndPayloadSchema>;
/** The payload of an `llm_usage` event. */
export type LlmUsagePayload = z.infer<typeof LlmUsagePayloadSchema>;
/** The payload of a `media_ref` event. */
export type MediaRefPayload = z.infer<typeof MediaRefPayloadSchema>;

/** `T` with every property, array and nested object read-only. */
type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** An event as optrail hands it out: deeply frozen, never mutated. */
export type TraceEvent = DeepReadonly<z.infer<typeof TraceEventSchema>>;
/** The event of one kind, e.g. `EventOfKind<'op_end'>`. */
export type EventOfKind<K extends EventKind> = Extract<TraceEvent, { kind: K }>;
