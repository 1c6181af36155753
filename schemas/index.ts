/**
 * The zod schemas of the wire format and of the public options.
 *
 * @module optrail/schemas
 */
export * from './trace-event.js';
export {
  PipelineOptionsSchema,
  CaptureLimitsSchema,
  BatchOptionsSchema,
  JsonlTargetSchema,
  JsonlExporterOptionsSchema,
  ReadOptionsSchema,
  HttpExporterOptionsSchema,
  OtlpExporterOptionsSchema,
  ChromeTraceExporterOptionsSchema,
  HtmlExporterOptionsSchema,
  TraceOpenAIOptionsSchema,
  TraceAnthropicOptionsSchema,
  OptrailTelemetryOptionsSchema,
} from './options.js';
export { traceEventJsonSchema } from './json-schema.js';
