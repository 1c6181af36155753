import type { ShutdownReport } from './pipeline-api.js';

/** The few lines the logger gets at shutdown when anything failed: each failure and the drops. */
export function summarizeShutdown(report: ShutdownReport): string {
  const lost = Object.entries(report.metrics.dropped).map(([reason, n]) => `${n} ${reason}`);
  const failures = report.errors.map((e) => `${e.source}: ${e.message} (×${e.count})`);
  return [
    `shutdown with ${report.errors.length} kind(s) of failure${report.timedOut ? ', exporters timed out' : ''}.`,
    ...failures.map((f) => `  ${f}`),
    lost.length > 0 ? `  dropped: ${lost.join(', ')}` : '  nothing dropped',
  ].join('\n');
}
