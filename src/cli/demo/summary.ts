import type { ShutdownReport, TraceEvent } from '../../../index.js';

/** A few lines about a recorded run: events, ops, tokens and cost by model, failures. */
export function summarize(events: readonly TraceEvent[], path: string, report: ShutdownReport): string {
  const ops = events.filter((e) => e.kind === 'op_start');
  const errors = events.filter((e) => e.kind === 'op_end' && (e.payload as { status: string }).status === 'error');
  const byModel = new Map<string, { tokens: number; cost: number }>();
  for (const e of events) {
    if (e.kind !== 'llm_usage') continue;
    const p = e.payload as { model: string; total_tokens: number; cost_usd: number };
    const entry = byModel.get(p.model) ?? { tokens: 0, cost: 0 };
    entry.tokens += p.total_tokens;
    entry.cost += p.cost_usd;
    byModel.set(p.model, entry);
  }
  const tokens = [...byModel.values()].reduce((s, m) => s + m.tokens, 0);
  const cost = [...byModel.values()].reduce((s, m) => s + m.cost, 0);
  const lines = [
    `request  ${events[0]?.request_id ?? '-'}`,
    `events   ${events.length} (${ops.length} ops, ${errors.length} errors, ${events.filter((e) => e.kind === 'op_yield').length} yields)`,
    `tokens   ${tokens}`,
    `cost     $${cost.toFixed(6)}`,
    ...[...byModel].map(([model, m]) => `  ${model.padEnd(12)} ${String(m.tokens).padStart(6)} tokens  $${m.cost.toFixed(6)}`),
    `file     ${path}`,
    `lost     ${report.lost.text}   failures ${report.errors.length}`,
  ];
  return lines.join('\n');
}
