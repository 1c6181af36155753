import type { Command } from 'commander';
import type { TraceEvent } from '../../../schemas/trace-event.js';
import { forCommand, readEach } from '../collect.js';
import { exitCodeFor } from '../exit-codes.js';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The numbers `optrail stats` prints, gathered one event at a time (no event is kept). */
export class StatsAccumulator {
  private events = 0;
  private readonly requests = new Set<string>();
  private readonly ops = new Map<string, { count: number; errors: number; durations: number[] }>();
  private readonly models = new Map<string, { calls: number; tokens: number; cost: number }>();

  readonly add = (e: TraceEvent): void => {
    this.events++;
    this.requests.add(e.request_id);
    const p = e.payload as Record<string, any>;
    if (e.kind === 'op_end') {
      const entry = this.ops.get(e.op_name ?? '?') ?? { count: 0, errors: 0, durations: [] };
      entry.count++;
      if (p.status === 'error') entry.errors++;
      entry.durations.push(Number(p.duration_ms) || 0);
      this.ops.set(e.op_name ?? '?', entry);
    } else if (e.kind === 'llm_usage') {
      const entry = this.models.get(String(p.model)) ?? { calls: 0, tokens: 0, cost: 0 };
      entry.calls++;
      entry.tokens += Number(p.total_tokens) || 0;
      entry.cost += Number(p.cost_usd) || 0;
      this.models.set(String(p.model), entry);
    }
  };

  result() {
    return {
      events: this.events,
      requests: this.requests.size,
      ops: [...this.ops].sort(([a], [b]) => a.localeCompare(b)).map(([name, o]) => {
        const sorted = [...o.durations].sort((a, b) => a - b);
        return { name, count: o.count, errors: o.errors, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95) };
      }),
      errors: [...this.ops.values()].reduce((s, o) => s + o.errors, 0),
      models: [...this.models].sort(([a], [b]) => a.localeCompare(b)).map(([model, m]) => ({ model, ...m })),
    };
  }
}

/** `optrail stats`: requests, ops by name with p50/p95, errors, tokens and cost by model. */
export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('requests, ops by name (count, p50/p95 duration, errors), tokens and cost by model')
    .argument('[inputs...]', 'files, directories, or - for stdin (default: stdin)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (inputs: string[], options: { format: string }) => {
      // Gathered as the files are read: big recordings are counted without holding their events.
      const accumulator = new StatsAccumulator();
      const collected = await forCommand('stats', () => readEach(inputs, accumulator.add));
      if (!collected) return;
      const stats = accumulator.result();
      if (options.format === 'json') process.stdout.write(JSON.stringify(stats, null, 2) + '\n');
      else {
        const lines = [`${stats.requests} request(s), ${stats.events} event(s), ${stats.errors} error(s)`, '', 'op'.padEnd(24) + 'count'.padStart(7) + 'errors'.padStart(8) + 'p50'.padStart(11) + 'p95'.padStart(11)];
        for (const o of stats.ops) lines.push(o.name.padEnd(24) + String(o.count).padStart(7) + String(o.errors).padStart(8) + `${o.p50Ms.toFixed(2)}ms`.padStart(11) + `${o.p95Ms.toFixed(2)}ms`.padStart(11));
        if (stats.models.length > 0) {
          lines.push('', 'model'.padEnd(24) + 'calls'.padStart(7) + 'tokens'.padStart(10) + 'cost'.padStart(14));
          for (const m of stats.models) lines.push(m.model.padEnd(24) + String(m.calls).padStart(7) + String(m.tokens).padStart(10) + `$${m.cost.toFixed(6)}`.padStart(14));
        }
        process.stdout.write(lines.join('\n') + '\n');
      }
      process.exitCode = exitCodeFor(collected.problems);
    });
}
