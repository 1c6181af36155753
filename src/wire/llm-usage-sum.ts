/**
 * LLM usage summed over calls, the one arithmetic every rollup uses: an op's subtree, a group and
 * a request in the views, a model in `optrail stats`, a span and the request's root span in OTLP.
 * Each call is read with `llmUsageOf`, so old and new streams add up the same way.
 */
import type { LlmUsageReading } from './llm-usage.js';

/**
 * LLM usage summed over calls: of one model, or of several (the views' `ModelTokens`). Counts as
 * the `llm_usage` events carry them, read by `llmUsageOf`: `prompt` counts every input token
 * (cache reads and writes are part of it), `completion` every output token (reasoning is part of it).
 */
export interface UsageSum {
  /** `llm_usage` events summed. */
  calls: number;
  prompt: number;
  completion: number;
  total: number;
  /** Input tokens read from the provider's prompt cache (part of `prompt`). */
  cacheRead: number;
  /** Input tokens written to the provider's prompt cache (part of `prompt`). */
  cacheWrite: number;
  /** Output tokens spent on reasoning (part of `completion`). */
  reasoning: number;
  /** US dollars of the calls whose cost is known (an unknown cost adds 0 here). */
  costUsd: number;
  /** Calls whose cost is unknown (no price for the model, no counts reported): their cost is not in `costUsd`, and is not 0. */
  costUnknownCalls: number;
}

/** A new zero sum (its own object: add into it). */
export function emptyUsageSum(): UsageSum {
  return { calls: 0, prompt: 0, completion: 0, total: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: 0, costUnknownCalls: 0 };
}

/**
 * `a + b` for the non-negative finite counts `llmUsageOf` gives, held at `Number.MAX_VALUE`: two
 * hostile 1e308 counts would otherwise sum to `Infinity`, which JSON writes as `null` (a count
 * silently gone from `--format json`, the HTML page and OTLP/JSON).
 */
export function plus(a: number, b: number): number {
  const sum = a + b;
  return sum <= Number.MAX_VALUE ? sum : Number.MAX_VALUE;
}

/** Adds one call, as `llmUsageOf` read it. */
export function addUsageReading(into: UsageSum, call: LlmUsageReading): void {
  into.calls = plus(into.calls, 1);
  into.prompt = plus(into.prompt, call.promptTokens);
  into.completion = plus(into.completion, call.completionTokens);
  into.total = plus(into.total, call.totalTokens);
  into.cacheRead = plus(into.cacheRead, call.cacheReadTokens);
  into.cacheWrite = plus(into.cacheWrite, call.cacheWriteTokens);
  into.reasoning = plus(into.reasoning, call.reasoningTokens);
  into.costUsd = plus(into.costUsd, call.costUsd); // 0 for a call whose cost is unknown
  if (call.costUnknown) into.costUnknownCalls = plus(into.costUnknownCalls, 1);
}

/** Adds another sum. */
export function addUsageSum(into: UsageSum, from: UsageSum): void {
  into.calls = plus(into.calls, from.calls);
  into.prompt = plus(into.prompt, from.prompt);
  into.completion = plus(into.completion, from.completion);
  into.total = plus(into.total, from.total);
  into.cacheRead = plus(into.cacheRead, from.cacheRead);
  into.cacheWrite = plus(into.cacheWrite, from.cacheWrite);
  into.reasoning = plus(into.reasoning, from.reasoning);
  into.costUsd = plus(into.costUsd, from.costUsd);
  into.costUnknownCalls = plus(into.costUnknownCalls, from.costUnknownCalls);
}

/**
 * Sums per model, keyed by the model as recorded. A `Map`: a model named `__proto__` or
 * `constructor` is a key like any other.
 */
export function addToModel(byModel: Map<string, UsageSum>, call: LlmUsageReading): void {
  let sum = byModel.get(call.model);
  if (sum === undefined) byModel.set(call.model, (sum = emptyUsageSum()));
  addUsageReading(sum, call);
}
