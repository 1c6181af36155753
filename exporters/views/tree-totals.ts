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
  tokensByModel: Record<string, ModelTokens>;
}

/** Token totals of a subtree without LLM usage: shared, replaced on the first usage. */
export const NO_TOKENS: Record<string, ModelTokens> = Object.freeze({}) as Record<string, ModelTokens>;

/** Zero totals with a token map of their own. */
export function emptyTotals(): Totals {
  return { ops: 0, errors: 0, costUsd: 0, costUnknown: false, tokensByModel: {} };
}

/** Adds `from` into `into`; `into` must own its token map when `from` has tokens. */
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

/** Adds one `llm_usage` payload to totals. */
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
