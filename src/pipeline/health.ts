import { lossOf } from './loss.js';
import type { PipelineMetrics } from './metrics.js';

/** A pipeline's health and why. */
export interface Health {
  status: 'healthy' | 'degraded' | 'failing';
  reasons: string[];
}

/** Consecutive failures of one exporter from which the pipeline counts as failing. */
export const FAILING_CONSECUTIVE_FAILURES = 5;

/**
 * Health from metrics:
 * - **failing**: an exporter has failed and never delivered anything, or failed
 *   `FAILING_CONSECUTIVE_FAILURES` (5) times in a row, or reported an authentication failure, or
 *   its spool lost data to eviction;
 * - **degraded**: an exporter's last call failed, data waits in a spool, events were dropped,
 *   a processor failed or one of its callbacks threw, or more than half the memory cap is in use;
 * - **healthy** otherwise.
 */
export function assessHealth(metrics: PipelineMetrics): Health {
  const failing: string[] = [];
  const degraded: string[] = [];
  for (const [name, m] of Object.entries(metrics.exporters)) {
    const details = m.details ?? {};
    const consecutive = Math.max(m.consecutiveFailures, details.consecutiveFailures ?? 0);
    const lostAfter = details.lostEvents ?? 0;
    if (m.exported - lostAfter <= 0 && (m.failures > 0 || lostAfter > 0)) failing.push(`${name}: nothing delivered yet, ${m.failures} failure(s)`);
    else if (consecutive >= FAILING_CONSECUTIVE_FAILURES) failing.push(`${name}: ${consecutive} consecutive failures`);
    else if (consecutive > 0) degraded.push(`${name}: ${consecutive} consecutive failure(s)`);
    if ((details.authFailures ?? 0) > 0) failing.push(`${name}: authentication failed ${details.authFailures} time(s)`);
    if ((details.spoolEvictedEvents ?? 0) > 0) failing.push(`${name}: spool full, ${details.spoolEvictedEvents} event(s) evicted`);
    if ((details.spoolEvents ?? 0) > 0) degraded.push(`${name}: ${details.spoolEvents} event(s) waiting in the spool`);
    if ((details.spoolForeignEvents ?? 0) > 0) degraded.push(`${name}: ${details.spoolForeignEvents} event(s) in the spool were written for another destination`);
  }
  for (const [name, p] of Object.entries(metrics.processors)) {
    const callbackErrors = Object.values(p.callbackErrors).reduce((a, b) => a + b, 0);
    if (p.errors > 0) degraded.push(`processor ${name}: failed ${p.errors} time(s)`);
    if (callbackErrors > 0) degraded.push(`processor ${name}: its callbacks threw ${callbackErrors} time(s)`);
  }
  const lost = lossOf(metrics);
  if (lost.total > 0) degraded.push(lost.text);
  if (metrics.bufferedBytes > metrics.maxBufferBytes / 2) degraded.push(`memory ${Math.round((100 * metrics.bufferedBytes) / metrics.maxBufferBytes)} % of the cap`);
  if (failing.length > 0) return { status: 'failing', reasons: [...failing, ...degraded] };
  if (degraded.length > 0) return { status: 'degraded', reasons: degraded };
  return { status: 'healthy', reasons: [] };
}
