/** Token and cost totals of a subtree, and the arithmetic the tree and grouped views share. */
import { llmUsageOf } from '../src/wire/llm-usage.js';
import { addUsageReading, addUsageSum, emptyUsageSum, plus, type UsageSum } from '../src/wire/llm-usage-sum.js';

/** LLM usage of one model summed over its calls (or, from `allModels`, of every model): a `UsageSum`. */
export type ModelTokens = UsageSum;

/** Totals of a subtree. */
export interface Totals {
  ops: number;
  errors: number;
  /** US dollars of the usage whose cost is known (the sum of `tokensByModel`'s `costUsd`). */
  costUsd: number;
  /** True when some usage in the subtree had no known cost: `costUsd` is then a lower bound. */
  costUnknown: boolean;
  /**
   * Tokens by model, the model as recorded. A null-prototype object: every key is a model, even
   * `__proto__` or `constructor` (no key is inherited, none reaches `Object.prototype`), and it
   * serialises as JSON like any object. Read it with `Object.entries` or `Object.hasOwn`; sum it
   * with `allModels`.
   */
  tokensByModel: Record<string, ModelTokens>;
}

/**
 * An empty token map keyed by model names from the data: without a prototype, so that
 * `map[model] ??= ...` makes an own entry for any name instead of finding (and writing into)
 * `Object.prototype` through `__proto__`, or `Object` through `constructor`.
 */
export function emptyTokens(): Record<string, ModelTokens> {
  return Object.create(null) as Record<string, ModelTokens>;
}

/** Token totals of a subtree without LLM usage: shared, replaced on the first usage. */
export const NO_TOKENS: Record<string, ModelTokens> = Object.freeze(emptyTokens());

/** Zero totals with a token map of their own. */
export function emptyTotals(): Totals {
  return { ops: 0, errors: 0, costUsd: 0, costUnknown: false, tokensByModel: emptyTokens() };
}

function modelEntry(totals: Totals, model: string): ModelTokens {
  return (totals.tokensByModel[model] ??= emptyUsageSum());
}

/** Adds `from` into `into`; `into` must own its token map (from `emptyTokens`) when `from` has tokens. */
export function addTotals(into: Totals, from: Totals): void {
  into.ops += from.ops;
  into.errors += from.errors;
  into.costUsd = plus(into.costUsd, from.costUsd);
  into.costUnknown ||= from.costUnknown;
  if (from.tokensByModel === NO_TOKENS) return;
  for (const [model, sum] of Object.entries(from.tokensByModel)) addUsageSum(modelEntry(into, model), sum);
}

/** Adds one `llm_usage` payload (read by `llmUsageOf`) to totals whose token map comes from `emptyTokens`. */
export function addUsage(totals: Totals, payload: Readonly<Record<string, unknown>>): void {
  const call = llmUsageOf(payload);
  addUsageReading(modelEntry(totals, call.model), call);
  totals.costUsd = plus(totals.costUsd, call.costUsd);
  if (call.costUnknown) totals.costUnknown = true;
}

/** Every model of the totals summed: the subtree's calls, tokens, cost and calls of unknown cost. */
export function allModels(totals: Totals): ModelTokens {
  const sum = emptyUsageSum();
  for (const model of Object.values(totals.tokensByModel)) addUsageSum(sum, model);
  return sum;
}

/** The models of the totals, by name (`localeCompare`, as `optrail stats` lists them). */
export function modelsByName(totals: Totals): Array<[string, ModelTokens]> {
  return Object.entries(totals.tokensByModel).sort(([a], [b]) => a.localeCompare(b));
}
