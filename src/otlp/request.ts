import { VERSION } from '../base/version.js';
import { attribute } from './attributes.js';
import type { OtlpExportRequest, OtlpSpan } from './types.js';

/** Wraps spans in one OTLP `ExportTraceServiceRequest` for `service.name` = `serviceName`. */
export function exportRequest(spans: OtlpSpan[], serviceName: string, resource: Record<string, string | number | boolean> = {}): OtlpExportRequest {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [attribute('service.name', serviceName), attribute('telemetry.sdk.name', 'optrail'), attribute('telemetry.sdk.language', 'nodejs'), ...Object.entries(resource).map(([k, v]) => attribute(k, v))],
          droppedAttributesCount: 0,
        },
        scopeSpans: [{ scope: { name: 'optrail', version: VERSION }, spans }],
      },
    ],
  };
}

/** Splits a JSON request body in two halves of its spans (for 413); `undefined` for one span. */
export function splitOtlpJson(body: Buffer): [Buffer, Buffer] | undefined {
  const request = JSON.parse(body.toString('utf8')) as OtlpExportRequest;
  const scope = request.resourceSpans[0]?.scopeSpans[0];
  if (!scope || scope.spans.length < 2) return undefined;
  const half = Math.floor(scope.spans.length / 2);
  const withSpans = (spans: OtlpSpan[]) =>
    Buffer.from(JSON.stringify({ resourceSpans: [{ ...request.resourceSpans[0]!, scopeSpans: [{ ...scope, spans }] }] }));
  return [withSpans(scope.spans.slice(0, half)), withSpans(scope.spans.slice(half))];
}
