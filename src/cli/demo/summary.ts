import type { ShutdownReport, TraceEvent } from '../../../index.js';
import { llmUsageOf } from '../../wire/llm-usage.js';

/** A few lines about a recorded run: events, ops, tokens and cost by model, failures. */
export function summarize(events: readonly TraceEvent[], path: string, report: ShutdownReport): string {
  const ops = events.filter((e) => e.kind === 'op_start');
  const errors = events.filter((e) => e.kind === 'op_end' && (e.payload as { status: string }).status === 'error');
  const byModel = new Map<string, { tokens: number; cost: number; unknown: number }>();
  for (const e of events) {
    if (e.kind !== 'llm_usage') continue;
    const usage = llmUsageOf(e.payload);
    const entry = byModel.get(usage.model) ?? { tokens: 0, cost: 0, unknown: 0 };
    entry.tokens += usage.totalTokens;
    entry.cost += usage.costUsd;
    if (usage.costUnknown) entry.unknown++;
    byModel.set(usage.model, entry);
  }
  const tokens = [...byModel.values()].reduce((s, m) => s + m.tokens, 0);
  const cost = [...byModel.values()].reduce((s, m) => s + m.cost, 0);
  const unknown = [...byModel.values()].reduce((s, m) => s + m.unknown, 0);
  const costText = (usd: number, calls: number) => `$${usd.toFixed(6)}${calls > 0 ? ` + unknown (${calls} call${calls === 1 ? '' : 's'})` : ''}`;
  const lines = [
    `request  ${events[0]?.request_id ?? '-'}`,
    `events   ${events.length} (${ops.length} ops, ${errors.length} errors, ${events.filter((e) => e.kind === 'op_yield').length} yields)`,
    `tokens   ${tokens}`,
    `cost     ${costText(cost, unknown)}`,
    ...[...byModel].map(([model, m]) => `  ${model.padEnd(12)} ${String(m.tokens).padStart(6)} tokens  ${costText(m.cost, m.unknown)}`),
    `file     ${path}`,
    `lost     ${report.lost.text}   failures ${report.errors.length}`,
  ];
  return lines.join('\n');
}
