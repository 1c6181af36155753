import type { ShutdownReport } from './pipeline-types.js';

/** The few lines the logger gets at shutdown when anything failed: each failure and what was lost where. */
export function summarizeShutdown(report: ShutdownReport): string {
  const failures = report.errors.map((e) => `${e.source}: ${e.message} (×${e.count})`);
  return [
    `shutdown with ${report.errors.length} kind(s) of failure${report.timedOut ? ', exporters timed out' : ''}.`,
    ...failures.map((f) => `  ${f}`),
    `  ${report.lost.text}`,
  ].join('\n');
}
