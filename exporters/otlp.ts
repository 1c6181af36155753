import { OtlpExporterOptionsSchema, parseOptions } from '../schemas/options.js';
import type { TraceEvent } from '../schemas/trace-event.js';
import { HttpDelivery } from '../src/delivery/http-delivery.js';
import { encodeProtobuf } from '../src/otlp/protobuf.js';
import { exportRequest, splitOtlpJson } from '../src/otlp/request.js';
import { OtlpSpanBuilder } from '../src/otlp/span-builder.js';
import type { OtlpExportRequest, OtlpSpan } from '../src/otlp/types.js';
import { deliveryStats, deliveryTarget, redactingReport, retryPolicyOf, spoolFor, spoolNotices, type DeliveryOptions, type ExporterDeliveryStats } from '../src/delivery/delivery-options.js';
import { DEFAULT_DELIVERY_BUDGET_MS, DEFAULT_HTTP_TIMEOUT_MS, DEFAULT_OTLP_SERVICE_NAME, DEFAULT_OTLP_URL, DEFAULT_PROBE_INTERVAL_MS, DEFAULT_SHUTDOWN_DEADLINE_MS } from '../src/base/defaults.js';
import type { ExportOptions, Exporter } from '../src/pipeline/exporter-types.js';

/** Options of `otlpExporter`; delivery options (retries, spool, deadlines) as in `httpExporter`. */
export interface OtlpExporterOptions extends DeliveryOptions {
  /**
   * OTLP/HTTP traces endpoint (default `http://localhost:4318/v1/traces`). Credentials in it
   * (`https://user:password@host/...`) are sent as `Authorization: Basic` and never written
   * anywhere (a TypeError when an `Authorization` header is given too).
   */
  url?: string;
  /** `json` (default) or `protobuf`. */
  encoding?: 'json' | 'protobuf';
  /** gzip bodies (default `false`, as OpenTelemetry's exporters). */
  gzip?: boolean;
  /** `service.name` of the resource (default `optrail`). */
  serviceName?: string;
  /** Extra resource attributes sent with every request (default none). */
  resource?: Record<string, string | number | boolean>;
}


/** An OTLP exporter; `stats()` adds delivery counters to the pipeline's metrics. */
export interface OtlpExporter extends Exporter {
  stats(): ExporterDeliveryStats;
}

/**
 * Every span a stream yields, in one OTLP/JSON request (for `optrail convert --to otlp-json`),
 * with the resource's `service.name` set to `serviceName` (default `optrail`).
 */
export function toOtlpJson(events: Iterable<TraceEvent>, serviceName = 'optrail'): OtlpExportRequest {
  const builder = new OtlpSpanBuilder();
  const spans: OtlpSpan[] = [];
  for (const event of events) for (const span of builder.take(event)) spans.push(span);
  for (const span of builder.drain()) spans.push(span);
  return exportRequest(spans, serviceName);
}

/**
 * Sends the trace to any OpenTelemetry backend over OTLP/HTTP (JSON or protobuf). Each op
 * invocation becomes a span as soon as it ends; groups become spans; each request gets a root
 * span; ids are derived from the request id and ctx, so the same stream always gives the same
 * ids. LLM ops carry the GenAI conventions (`gen_ai.request.model`, `gen_ai.usage.*`…) and
 * `optrail.cost_usd`. Delivery is the HTTP exporter's: retries (429, 5xx, network errors,
 * `Retry-After`), 413 splitting, a disk spool. Ops still open at shutdown are sent with
 * `optrail.unfinished = true`. See docs/otlp.md.
 *
 * @example
 * otlpExporter({ url: 'http://localhost:4318/v1/traces', encoding: 'protobuf' })
 */
export function otlpExporter(options: OtlpExporterOptions = {}): OtlpExporter {
  parseOptions(OtlpExporterOptionsSchema, options, 'otlpExporter');
  const name = options.name ?? 'otlp';
  const serviceName = options.serviceName ?? DEFAULT_OTLP_SERVICE_NAME;
  const protobuf = options.encoding === 'protobuf';
  const target = deliveryTarget('otlpExporter', 'otlp', options.url ?? DEFAULT_OTLP_URL, options.headers ?? {});
  const spool = spoolFor(name, target.destination, options);
  const builder = new OtlpSpanBuilder();
  let report: (message: string) => void = () => {};
  const delivery = new HttpDelivery({
    url: target.url,
    headers: target.headers,
    contentType: protobuf ? 'application/x-protobuf' : 'application/json',
    gzip: options.gzip ?? false,
    timeoutMs: options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
    retry: retryPolicyOf(options),
    budgetMs: DEFAULT_DELIVERY_BUDGET_MS,
    spool,
    writeAhead: false,
    probeIntervalMs: options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS,
    // The spool keeps OTLP/JSON; protobuf is produced per send, so 413 splitting works for both.
    toWire: protobuf ? (body) => encodeProtobuf(JSON.parse(body.toString('utf8')) as OtlpExportRequest) : undefined,
    split: splitOtlpJson,
    report: (message) => report(message),
  });
  const body = (spans: OtlpSpan[]) => Buffer.from(JSON.stringify(exportRequest(spans, serviceName, options.resource)));
  const spansOf = (batch: readonly TraceEvent[]) => batch.flatMap((event) => builder.take(event));
  return {
    name,
    overload: 'spool',
    attach: (host) => {
      report = redactingReport(host.report);
      for (const line of spoolNotices(spool, options)) report(line);
    },
    async export(batch, exportOptions?: ExportOptions) {
      const spans = spansOf(batch);
      if (spans.length > 0) await delivery.deliver(body(spans), spans.length, exportOptions?.signal);
    },
    exportSync(batch) {
      const spans = spansOf(batch);
      if (spans.length > 0) delivery.deliverSync(body(spans), spans.length);
    },
    flushSync: () => delivery.spoolInFlightSync(),
    flush: () => delivery.flush(),
    async shutdown() {
      // The spans of ops still open go with the shutdown's one last attempt (spooled when the
      // endpoint is down), not through the full retries of a normal delivery.
      const rest = builder.drain();
      await delivery.shutdown(options.shutdownDeadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS, rest.length > 0 ? { body: body(rest), count: rest.length } : undefined);
    },
    stats: () => deliveryStats(delivery, spool),
  };
}
