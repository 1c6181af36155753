/** optrail/schemas: the zod schemas of the wire format and of the public options. */
export * from './trace-event.js';
export {
  PipelineOptionsSchema,
  CaptureLimitsSchema,
  BatchOptionsSchema,
  JsonlTargetSchema,
  JsonlOptionsSchema,
  ReadOptionsSchema,
  HttpExporterOptionsSchema,
  OtlpExporterOptionsSchema,
  ChromeTraceExporterOptionsSchema,
  HtmlExporterOptionsSchema,
} from './options.js';
export { traceEventJsonSchema } from './json-schema.js';
