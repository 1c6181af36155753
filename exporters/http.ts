import { HttpExporterOptionsSchema, parseOptions } from '../schemas/options.js';
import type { TraceEvent } from '../schemas/trace-event.js';
import { HttpDelivery, splitNdjson } from '../src/delivery/http-delivery.js';
import { encodeBatchCopy } from '../src/wire/serialize.js';
import { deliveryStats, deliveryTarget, redactingReport, retryPolicyOf, spoolFor, spoolNotices, type DeliveryOptions, type ExporterDeliveryStats } from '../src/delivery/delivery-options.js';
import { DEFAULT_DELIVERY_BUDGET_MS, DEFAULT_HTTP_TIMEOUT_MS, DEFAULT_PROBE_INTERVAL_MS, DEFAULT_SHUTDOWN_DEADLINE_MS } from '../src/base/defaults.js';
import type { ExportOptions, Exporter } from '../src/pipeline/exporter-types.js';

/** Options of `httpExporter`. */
export interface HttpExporterOptions extends DeliveryOptions {
  /**
   * Where batches are POSTed. Credentials in it (`https://user:password@host/...`) are sent as
   * `Authorization: Basic` and never written anywhere (a TypeError when `apiKey` or an
   * `Authorization` header is given too).
   */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`; never written to logs, errors, metrics or spool files. */
  apiKey?: string;
  /** gzip bodies (`Content-Encoding: gzip`, default `true`). */
  gzip?: boolean;
  /** Append every batch to the spool before sending and remove it once acknowledged (default `false`). */
  writeAhead?: boolean;
  /** How long one export may take before its batch is spooled instead, in ms (default 25 000). */
  budgetMs?: number;
}


/** An HTTP exporter; `stats()` adds delivery counters to the pipeline's metrics. */
export interface HttpExporter extends Exporter {
  stats(): ExporterDeliveryStats;
}

/**
 * POSTs batches as NDJSON (`Content-Type: application/x-ndjson`, gzip by default) with an
 * `Idempotency-Key` per batch, and loses nothing while its disk spool has room: failed batches
 * (network errors, timeouts, 408/429/5xx after retries, 401/403) go to the spool and are resent
 * oldest first when the endpoint answers again and at the next start; 413 splits the batch; 400
 * and 404 are not retried (counted as dropped). At the memory cap and at exit, batches go
 * straight to the spool. See docs/delivery.md.
 *
 * @example
 * httpExporter({ url: 'https://traces.example.com/v1/events', apiKey: process.env.TRACES_KEY })
 */
export function httpExporter(options: HttpExporterOptions): HttpExporter {
  parseOptions(HttpExporterOptionsSchema, options, 'httpExporter');
  const name = options.name ?? 'http';
  const target = deliveryTarget('httpExporter', 'http', options.url, { ...(options.headers ?? {}), ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}) });
  const spool = spoolFor(name, target.destination, options);
  let report: (message: string) => void = () => {};
  const writeAhead = options.writeAhead ?? false;
  const persistedKeys = new WeakMap<readonly TraceEvent[], string>();
  const takeKey = (batch: readonly TraceEvent[]) => {
    const key = persistedKeys.get(batch);
    if (key !== undefined) persistedKeys.delete(batch);
    return key;
  };
  const delivery = new HttpDelivery({
    url: target.url,
    headers: target.headers,
    contentType: 'application/x-ndjson',
    gzip: options.gzip ?? true,
    timeoutMs: options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
    retry: retryPolicyOf(options),
    budgetMs: options.budgetMs ?? DEFAULT_DELIVERY_BUDGET_MS,
    spool,
    writeAhead,
    probeIntervalMs: options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS,
    split: splitNdjson,
    report: (message) => report(message),
  });
  return {
    name,
    overload: 'spool',
    attach: (host) => {
      report = redactingReport(host.report);
      for (const line of spoolNotices(spool, options)) report(line);
    },
    // Write-ahead: each batch is in the spool from the moment it is sealed (`persist`); its
    // export sends it from there and acknowledges it, so a kill -9 loses none of it.
    persist: writeAhead ? (batch: readonly TraceEvent[]) => void persistedKeys.set(batch, delivery.persist(encodeBatchCopy(batch), batch.length)) : undefined,
    export: (batch: readonly TraceEvent[], options?: ExportOptions) => delivery.deliver(encodeBatchCopy(batch), batch.length, options?.signal, takeKey(batch)),
    exportSync: (batch: readonly TraceEvent[]) => delivery.deliverSync(encodeBatchCopy(batch), batch.length, takeKey(batch)),
    flushSync: () => delivery.spoolInFlightSync(),
    flush: () => delivery.flush(),
    shutdown: () => delivery.shutdown(options.shutdownDeadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS),
    stats: () => deliveryStats(delivery, spool),
  };
}
