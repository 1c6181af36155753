import type { Command } from 'commander';
import type { TraceEvent } from '../../../schemas/trace-event.js';
import { llmUsageOf } from '../../wire/llm-usage.js';
import { addToModel, addUsageSum, emptyUsageSum, type UsageSum } from '../../wire/llm-usage-sum.js';
import { formatCost } from '../../../views/format.js';
import { forCommand, readEach } from '../collect.js';
import { exitCodeFor } from '../exit-codes.js';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** LLM usage of one model (or of all) as `optrail stats --format json` writes it. */
export interface UsageStats {
  calls: number;
  /** Total tokens. */
  tokens: number;
  /** US dollars of the calls whose cost is known. */
  cost: number;
  promptTokens: number;
  completionTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Calls whose cost is unknown (no price for the model): not in `cost`, and not 0. */
  costUnknownCalls: number;
}

function usageStats(sum: UsageSum): UsageStats {
  return {
    calls: sum.calls,
    tokens: sum.total,
    cost: sum.costUsd,
    promptTokens: sum.prompt,
    completionTokens: sum.completion,
    cacheReadTokens: sum.cacheRead,
    cacheWriteTokens: sum.cacheWrite,
    reasoningTokens: sum.reasoning,
    costUnknownCalls: sum.costUnknownCalls,
  };
}

/** The numbers `optrail stats` prints, gathered one event at a time (no event is kept). */
export class StatsAccumulator {
  private events = 0;
  private readonly requests = new Set<string>();
  private readonly ops = new Map<string, { count: number; errors: number; durations: number[] }>();
  /** A `Map`: a model named `__proto__` or `constructor` is counted like any other. */
  private readonly models = new Map<string, UsageSum>();

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
      // Every usage, in an op or at request level, read as every view reads it.
      addToModel(this.models, llmUsageOf(p));
    }
  };

  result() {
    const all = emptyUsageSum();
    for (const sum of this.models.values()) addUsageSum(all, sum);
    return {
      events: this.events,
      requests: this.requests.size,
      ops: [...this.ops].sort(([a], [b]) => a.localeCompare(b)).map(([name, o]) => {
        const sorted = [...o.durations].sort((a, b) => a - b);
        return { name, count: o.count, errors: o.errors, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95) };
      }),
      errors: [...this.ops.values()].reduce((s, o) => s + o.errors, 0),
      models: [...this.models].sort(([a], [b]) => a.localeCompare(b)).map(([model, sum]) => ({ model, ...usageStats(sum) })),
      /** Every model together. */
      llm: usageStats(all),
    };
  }
}

type Stats = ReturnType<StatsAccumulator['result']>;

const USAGE_COLUMNS: ReadonlyArray<[title: string, width: number, value: (u: UsageStats) => string]> = [
  ['calls', 7, (u) => String(u.calls)],
  ['input', 10, (u) => String(u.promptTokens)],
  ['output', 10, (u) => String(u.completionTokens)],
  ['cache read', 12, (u) => String(u.cacheReadTokens)],
  ['cache write', 13, (u) => String(u.cacheWriteTokens)],
  ['reasoning', 11, (u) => String(u.reasoningTokens)],
  ['tokens', 10, (u) => String(u.tokens)],
  ['cost', 22, (u) => formatCost({ calls: u.calls, costUsd: u.cost, costUnknownCalls: u.costUnknownCalls }, 6)],
  ['unknown', 9, (u) => String(u.costUnknownCalls)],
];

/** The text `optrail stats` prints: the counts, the ops table, and the models table (all models last, when there are several). */
export function renderStatsText(stats: Stats): string {
  const lines = [`${stats.requests} request(s), ${stats.events} event(s), ${stats.errors} error(s)`, '', 'op'.padEnd(24) + 'count'.padStart(7) + 'errors'.padStart(8) + 'p50'.padStart(11) + 'p95'.padStart(11)];
  for (const o of stats.ops) lines.push(o.name.padEnd(24) + String(o.count).padStart(7) + String(o.errors).padStart(8) + `${o.p50Ms.toFixed(2)}ms`.padStart(11) + `${o.p95Ms.toFixed(2)}ms`.padStart(11));
  if (stats.models.length > 0) {
    const ALL = '(all models)';
    // The model column fits the longest name, so every row stays aligned.
    let width = 24;
    for (const m of stats.models) width = Math.max(width, m.model.length + 2);
    const row = (name: string, u: UsageStats) => name.padEnd(width) + USAGE_COLUMNS.map(([, w, value]) => value(u).padStart(w)).join('');
    lines.push('', 'model'.padEnd(width) + USAGE_COLUMNS.map(([title, w]) => title.padStart(w)).join(''));
    for (const m of stats.models) lines.push(row(m.model, m));
    if (stats.models.length > 1) lines.push(row(ALL, stats.llm));
  }
  return lines.join('\n') + '\n';
}

/** `optrail stats`: requests, ops by name with p50/p95, errors, tokens and cost by model. */
export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('requests, ops by name (count, p50/p95 duration, errors), LLM calls, tokens and cost by model')
    .argument('[inputs...]', 'files, directories, or - for stdin (default: stdin)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (inputs: string[], options: { format: string }) => {
      // Gathered as the files are read: big recordings are counted without holding their events.
      const accumulator = new StatsAccumulator();
      const collected = await forCommand('stats', () => readEach(inputs, accumulator.add));
      if (!collected) return;
      const stats = accumulator.result();
      process.stdout.write(options.format === 'json' ? JSON.stringify(stats, null, 2) + '\n' : renderStatsText(stats));
      process.exitCode = exitCodeFor(collected.problems);
    });
}
