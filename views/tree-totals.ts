/** Token and cost totals of a subtree, and the arithmetic the tree and grouped views share. */

/** Tokens of one model. */
export interface ModelTokens {
  prompt: number;
  completion: number;
  total: number;
  costUsd: number;
}

/** Totals of a subtree. */
export interface Totals {
  ops: number;
  errors: number;
  costUsd: number;
  /** True when some usage in the subtree had no known cost. */
  costUnknown: boolean;
  /**
   * Tokens by model, the model as recorded. A null-prototype object: every key is a model, even
   * `__proto__` or `constructor` (no key is inherited, none reaches `Object.prototype`), and it
   * serialises as JSON like any object. Read it with `Object.entries` or `Object.hasOwn`.
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

/** Adds `from` into `into`; `into` must own its token map (from `emptyTokens`) when `from` has tokens. */
export function addTotals(into: Totals, from: Totals): void {
  into.ops += from.ops;
  into.errors += from.errors;
  into.costUsd += from.costUsd;
  into.costUnknown ||= from.costUnknown;
  if (from.tokensByModel === NO_TOKENS) return;
  for (const [model, t] of Object.entries(from.tokensByModel)) {
    const m = (into.tokensByModel[model] ??= { prompt: 0, completion: 0, total: 0, costUsd: 0 });
    m.prompt += t.prompt;
    m.completion += t.completion;
    m.total += t.total;
    m.costUsd += t.costUsd;
  }
}

/** Adds one `llm_usage` payload to totals (whose token map comes from `emptyTokens`). */
export function addUsage(totals: Totals, usage: Record<string, unknown>): void {
  const model = String(usage.model);
  const m = (totals.tokensByModel[model] ??= { prompt: 0, completion: 0, total: 0, costUsd: 0 });
  m.prompt += Number(usage.prompt_tokens) || 0;
  m.completion += Number(usage.completion_tokens) || 0;
  m.total += Number(usage.total_tokens) || 0;
  m.costUsd += Number(usage.cost_usd) || 0;
  totals.costUsd += Number(usage.cost_usd) || 0;
  if (usage.cost_unknown === true) totals.costUnknown = true;
}
