import type { PipelineMetrics } from './metrics.js';

/** Events a pipeline lost (never delivered, not by a processor's choice), in all and by where. */
export interface Loss {
  total: number;
  /** `reason:where` → events: `export_failed:jsonl`, `write_failed:jsonl`, `spool_evicted:http`, `spool_corrupt:http`, `overflow:http`, `processor_error:redact`, `after_shutdown`. */
  byReason: Record<string, number>;
  /** The loss in one line: `3 events lost (2 export_failed:jsonl, 1 after_shutdown)`, or `nothing lost`. */
  text: string;
}

/**
 * What a pipeline lost, read from its counters: the one source of every summary, report and
 * health check that says how much was lost (the shutdown report, its log line, the demo, the CLI).
 * Events processors dropped on purpose (sampling, filters) are not losses; `purposeful` counts them.
 */
export function lossOf(metrics: PipelineMetrics): Loss {
  const byReason: Record<string, number> = Object.create(null);
  let total = 0;
  for (const [reason, n] of Object.entries(metrics.dropped)) {
    if (n <= 0) continue;
    byReason[reason] = n;
    total += n;
  }
  // Events an exporter lost after accepting them: a compressed file write that failed later, a
  // full spool that evicted its oldest data, spooled records found damaged when read back.
  for (const [name, exporter] of Object.entries(metrics.exporters)) {
    const details = exporter.details ?? {};
    for (const [reason, n] of [
      ['write_failed', details.lostEvents],
      ['spool_evicted', details.spoolEvictedEvents],
      ['spool_corrupt', details.spoolCorruptEvents],
    ] as const) {
      if (!n || n <= 0) continue;
      byReason[`${reason}:${name}`] = n;
      total += n;
    }
  }
  const parts = Object.entries(byReason).map(([reason, n]) => `${n} ${reason}`);
  const text = total === 0 ? 'nothing lost' : `${total} event${total === 1 ? '' : 's'} lost (${parts.join(', ')})`;
  return { total, byReason, text };
}

/** Events the pipeline's processors dropped on purpose (filters, samplers, aggregation), summed. */
export function purposefulDrops(metrics: PipelineMetrics): number {
  let sum = 0;
  for (const processor of Object.values(metrics.processors)) for (const n of Object.values(processor.dropped)) sum += n;
  return sum;
}
