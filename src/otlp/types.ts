/** OTLP/JSON shapes (opentelemetry-proto, JSON mapping), as optrail produces them. */

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: number }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } };

/** An OTLP attribute: a key and its typed value. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** An OTLP span event (optrail's annotations, yields and media refs inside an op). */
export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
}

/** Span status codes of the OTLP proto. */
export const STATUS_UNSET = 0;
export const STATUS_OK = 1;
export const STATUS_ERROR = 2;
/** SPAN_KIND_INTERNAL. */
export const KIND_INTERNAL = 1;
/** W3C sampled flag plus "has is-remote" (not remote), as OpenTelemetry JS sets them. */
export const LOCAL_SAMPLED_FLAGS = 0x101;

/** An OTLP span, as OTLP/JSON writes it (ids in hex, times in nanoseconds as strings). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
  events: OtlpEvent[];
  droppedEventsCount: number;
  status: { code: number; message?: string };
  links: [];
  droppedLinksCount: number;
  flags: number;
}

/** One OTLP/JSON `ExportTraceServiceRequest`: the resource, the scope and its spans. */
export interface OtlpExportRequest {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[]; droppedAttributesCount: number };
    scopeSpans: Array<{ scope: { name: string; version: string }; spans: OtlpSpan[] }>;
  }>;
}
