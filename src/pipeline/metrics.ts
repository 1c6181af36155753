import type { PricingCounts } from '../pricing/usage-pricer.js';
import type { RedactionCounts } from '../redaction/capture-secrets.js';

/** Counters of one exporter, as `pipeline.metrics()` reports them. */
export interface ExporterMetrics {
  /** Events delivered (export or exportSync returned without error). */
  exported: number;
  /** Estimated bytes of those events. */
  exportedBytes: number;
  /** Batches delivered. */
  batches: number;
  /** Failed export / flush calls (throw, rejection, timeout). */
  failures: number;
  /** Failures since the last success. */
  consecutiveFailures: number;
  /** Events waiting for this exporter. */
  queueDepth: number;
  /** Bytes waiting for this exporter: estimated JSON bytes of events, actual bytes of packed batches. */
  queuedBytes: number;
  /** Batches delivered synchronously because the memory cap was reached or the process exited. */
  syncBatches: number;
  /** Events packed (kept compressed) while they waited in a backlog; see `PipelineOptions.packBacklogAt`. */
  packedEvents: number;
  /** Duration of the last export call, in ms. */
  lastExportMs: number;
  /** The exporter's own counters (e.g. retries, spool bytes), from its `stats()`. */
  details?: Record<string, number>;
}

/** A snapshot of a pipeline's counters. Every drop is counted here by reason. */
export interface PipelineMetrics {
  /** Events made by emitters of this pipeline. */
  emitted: number;
  /** Events pushed by `replay()`. */
  replayed: number;
  /** Events lost, by reason (e.g. `export_failed:jsonl`, `overflow:http`, `after_shutdown`). */
  dropped: Record<string, number>;
  /** Per processor: errors, and events dropped or changed by reason. */
  /**
   * Per processor: `errors`, times it failed as a whole (restarted, the event it held marked
   * dropped); `callbackErrors`, throws of its user callbacks by callback name (the event went on
   * as the processor documents); what it dropped and changed, by reason.
   */
  processors: Record<string, { errors: number; callbackErrors: Record<string, number>; dropped: Record<string, number>; changed: Record<string, number> }>;
  exporters: Record<string, ExporterMetrics>;
  /** Estimated bytes held for all exporters, and the cap. */
  bufferedBytes: number;
  maxBufferBytes: number;
  /** Errors inside optrail itself (caught; the traced program never saw them). */
  internalErrors: number;
  /** Media writes done, failed, and bytes waiting to be written. */
  media: { written: number; failed: number; pendingBytes: number };
  /**
   * The default credential redaction (`PipelineOptions.redactCredentials`): values replaced by what
   * found them, and strings masked because a detector threw. `undefined` when it is off.
   */
  redaction?: RedactionCounts;
  /**
   * LLM usage priced by the pipeline (`PipelineOptions.prices`): usages priced, left unknown (by
   * model), and failures of the table. `undefined` when pricing is off.
   */
  pricing?: PricingCounts;
}

export function newExporterMetrics(): ExporterMetrics {
  return { exported: 0, exportedBytes: 0, batches: 0, failures: 0, consecutiveFailures: 0, queueDepth: 0, queuedBytes: 0, syncBatches: 0, packedEvents: 0, lastExportMs: 0 };
}

/** Adds `n` to `counts[key]`. */
export function bump(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/** A copy of the per-processor counters, for a metrics snapshot. */
export function copyProcessorCounts(counts: PipelineMetrics['processors']): PipelineMetrics['processors'] {
  const copy: PipelineMetrics['processors'] = {};
  for (const [name, entry] of Object.entries(counts)) {
    copy[name] = { errors: entry.errors, callbackErrors: { ...entry.callbackErrors }, dropped: { ...entry.dropped }, changed: { ...entry.changed } };
  }
  return copy;
}

/** Each channel's counters with its exporter's own `stats()` as `details`; a throwing `stats()` is reported and left out. */
export function exporterMetrics(
  channels: ReadonlyArray<{ readonly name: string; readonly metrics: ExporterMetrics; readonly exporter: { stats?(): Record<string, number> } }>,
  report: (name: string, error: unknown) => void,
): PipelineMetrics['exporters'] {
  const exporters: PipelineMetrics['exporters'] = {};
  for (const channel of channels) {
    const entry: ExporterMetrics = { ...channel.metrics };
    exporters[channel.name] = entry;
    try {
      const details = channel.exporter.stats?.();
      if (details) entry.details = { ...details };
    } catch (error) {
      report(channel.name, error);
    }
  }
  return exporters;
}

/** Exporter names made unique in order: `http`, `http#1`, `http#2`. */
export function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n === 0 ? name : `${name}#${n}`;
  });
}
