import { z } from 'zod';

/**
 * Schemas of the public option objects. `createPipeline` and the exporters parse their options
 * with these, so a wrong option fails at once with a message naming it.
 */

const positiveInt = z.number().int().positive();
const usdPerMTok = z.number().nonnegative().finite();

/** `ModelPrice`: US dollars per million tokens of one model (`prices.models`). */
export const ModelPriceSchema = z.strictObject({
  inputPerMTok: usdPerMTok,
  outputPerMTok: usdPerMTok,
  cacheReadPerMTok: usdPerMTok.optional(),
  cacheWritePerMTok: usdPerMTok.optional(),
});
const fn = <T extends (...args: any[]) => any>(what: string) =>
  z.custom<T>((value) => typeof value === 'function', { message: `${what} must be a function` });

/** `CaptureLimits`: how much of each captured value is kept (`createPipeline({ limits })`). */
export const CaptureLimitsSchema = z.strictObject({
  maxString: positiveInt.optional(),
  maxItems: positiveInt.optional(),
  maxDepth: positiveInt.optional(),
});

/** `PipelineOptions.batch`: when the pipeline seals a batch for its exporters. */
export const BatchOptionsSchema = z.strictObject({
  maxEvents: positiveInt.optional(),
  maxBytes: positiveInt.optional(),
  maxAgeMs: z.number().int().nonnegative().optional(),
});

const ExporterShape = z.custom<{
  /** The exporter's name in metrics and errors. */
  name: string;
  /** Delivers a batch (see `Exporter`). */
  export: (...a: any[]) => unknown;
}>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { export?: unknown }).export === 'function' &&
    typeof (value as { name?: unknown }).name === 'string',
  { message: 'an exporter needs a string `name` and an `export(batch)` method' },
);

const MediaStoreShape = z.custom<{
  /** Stores bytes and returns their handle (see `MediaStore`). */
  put: (...a: any[]) => unknown;
}>(
  (value) => typeof value === 'object' && value !== null && typeof (value as { put?: unknown }).put === 'function',
  { message: 'a media store needs a `put(bytes)` method' },
);

/** `PipelineOptions`, parsed by `createPipeline`. */
export const PipelineOptionsSchema = z.strictObject({
  /** See `PipelineOptions.processors`. */
  processors: z.array(fn('a processor')).optional(),
  /** See `PipelineOptions.exporters`. */
  exporters: z.array(ExporterShape).optional(),
  limits: CaptureLimitsSchema.optional(),
  batch: BatchOptionsSchema.optional(),
  maxBufferBytes: positiveInt.optional(),
  packBacklogAt: z.number().min(0).max(1).optional(),
  exportTimeoutMs: positiveInt.optional(),
  shutdownTimeoutMs: positiveInt.optional(),
  requestEndGraceMs: z.number().int().min(0).optional(),
  exitSafety: z.boolean().optional(),
  /** See `PipelineOptions.mediaStore`. */
  mediaStore: MediaStoreShape.optional(),
  /** See `PipelineOptions.logger`. */
  logger: z
    .union([
      z.literal(false),
      z.custom<{
        /** Writes one warning. */
        warn: (m: string) => void;
      }>((v) => typeof (v as any)?.warn === 'function'),
    ])
    .optional(),
  redactCredentials: z
    .union([
      z.boolean(),
      z.strictObject({
        keys: z.array(z.union([z.string(), z.instanceof(RegExp)])).optional(),
        extraKeys: z.array(z.union([z.string(), z.instanceof(RegExp)])).optional(),
        allowKeys: z.array(z.union([z.string(), z.instanceof(RegExp)])).optional(),
      }),
    ], { error: 'expected true, false, or { keys?, extraKeys?, allowKeys? }, each an array of strings and RegExps' })
    .optional(),
  /** See `PipelineOptions.prices`. */
  prices: z
    .union([
      z.boolean(),
      z.strictObject({
        models: z.record(z.string(), z.union([z.literal(false), ModelPriceSchema])).optional(),
        table: z.boolean().optional(),
      }),
    ])
    .optional(),
});

/** `JsonlTarget`: one file (`{ path }`) or one file per request in a directory (`{ dir }`). */
export const JsonlTargetSchema = z.union([
  z.strictObject({ path: z.string().min(1) }),
  z.strictObject({ dir: z.string().min(1) }),
]);

/** `JsonlExporterOptions`, parsed by `jsonlExporter`. */
export const JsonlExporterOptionsSchema = z.strictObject({
  gzip: z.boolean().optional(),
  gzipLevel: z.number().int().min(1).max(9).optional(),
  rotateBytes: positiveInt.optional(),
  maxOpenFiles: positiveInt.optional(),
  name: z.string().min(1).optional(),
});

/** `ReadOptions`, parsed by `readEvents` (and the readers built on it). */
export const ReadOptionsSchema = z.strictObject({
  strict: z.boolean().optional(),
  /** See `ReadOptions.onError`. */
  onError: fn('onError').optional(),
  allowUnknownKinds: z.boolean().optional(),
  sourceName: z.string().optional(),
});

/** The options every HTTP-delivering exporter shares (`DeliveryOptions` of `httpExporter` and `otlpExporter`). */
const DeliveryOptionsShape = {
  headers: z.record(z.string(), z.string()).optional(),
  timeoutMs: positiveInt.optional(),
  maxRetries: z.number().int().nonnegative().optional(),
  initialBackoffMs: z.number().int().nonnegative().optional(),
  maxBackoffMs: z.number().int().nonnegative().optional(),
  maxRetryAfterMs: z.number().int().nonnegative().optional(),
  spoolDir: z.string().min(1).optional(),
  maxSpoolBytes: positiveInt.optional(),
  probeIntervalMs: positiveInt.optional(),
  shutdownDeadlineMs: z.number().int().nonnegative().optional(),
  name: z.string().min(1).optional(),
};

/** An http: or https: URL. */
const httpUrl = z.url({ protocol: /^https?$/ });

/** `HttpExporterOptions`, parsed by `httpExporter`. */
export const HttpExporterOptionsSchema = z.strictObject({
  ...DeliveryOptionsShape,
  url: httpUrl,
  apiKey: z.string().min(1).optional(),
  gzip: z.boolean().optional(),
  writeAhead: z.boolean().optional(),
  budgetMs: positiveInt.optional(),
});

/** `OtlpExporterOptions`, parsed by `otlpExporter`. */
export const OtlpExporterOptionsSchema = z.strictObject({
  ...DeliveryOptionsShape,
  url: httpUrl.optional(),
  encoding: z.enum(['json', 'protobuf']).optional(),
  gzip: z.boolean().optional(),
  serviceName: z.string().min(1).optional(),
  resource: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** `ChromeTraceExporterOptions`, parsed by `chromeTraceExporter`. */
export const ChromeTraceExporterOptionsSchema = z.strictObject({
  path: z.string().min(1),
  maxEvents: positiveInt.optional(),
});

/** `HtmlExporterOptions`, parsed by `htmlExporter`. */
export const HtmlExporterOptionsSchema = z.strictObject({
  path: z.string().min(1),
  title: z.string().optional(),
  maxEvents: positiveInt.optional(),
});

/** `TraceOpenAIOptions`, parsed by `traceOpenAI` (`optrail/openai`). */
export const TraceOpenAIOptionsSchema = z.strictObject({
  includeUsage: z.boolean().optional(),
  provider: z.string().min(1).optional(),
  captureInputs: z.boolean().optional(),
  captureOutputs: z.boolean().optional(),
});

/** `TraceAnthropicOptions`, parsed by `traceAnthropic` (`optrail/anthropic`). */
export const TraceAnthropicOptionsSchema = z.strictObject({
  captureInputs: z.boolean().optional(),
  captureOutputs: z.boolean().optional(),
});

/** `OptrailTelemetryOptions`, parsed by `optrailTelemetry` (`optrail/ai-sdk`). */
export const OptrailTelemetryOptionsSchema = z.strictObject({
  maxOpenCalls: z.number().int().positive().optional(),
});

/**
 * Parses `value` with `schema`, or throws a TypeError that names each wrong option:
 * `createPipeline: batch.maxEvents: expected number, received string`.
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`);
  throw new TypeError(`${where}: invalid options: ${lines.join('; ')}`);
}
