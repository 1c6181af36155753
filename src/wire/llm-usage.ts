/**
 * The `llm_usage` payload as every reader sees it (views, `optrail stats`, OTLP): one reading of
 * the wire format, old streams included, so no reader decides on its own what a missing count
 * means.
 */

/** One `llm_usage` payload, read: counts default to 0, names to `undefined`. */
export interface LlmUsageReading {
  /** The model that answered (the response model when the event knew it). */
  readonly model: string;
  readonly provider: string | undefined;
  readonly requestModel: string | undefined;
  readonly responseModel: string | undefined;
  /** Every input token, cached ones included. */
  readonly promptTokens: number;
  /** Every output token, reasoning included. */
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** Input tokens read from the provider's prompt cache (part of `promptTokens`). */
  readonly cacheReadTokens: number;
  /** Input tokens written to the provider's prompt cache (part of `promptTokens`). */
  readonly cacheWriteTokens: number;
  /** Output tokens spent on reasoning (part of `completionTokens`). */
  readonly reasoningTokens: number;
  /** US dollars; 0 when unknown (then `costUnknown` is true). */
  readonly costUsd: number;
  /** No price was known for this call: its cost is not 0, it is unknown. */
  readonly costUnknown: boolean;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function isAmount(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function name(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads an `llm_usage` payload of any version: bad or missing counts are 0, `cached_prompt_tokens`
 * (written before cache writes were told apart) is the cache read count, and a cost that is not
 * an amount (negative, NaN, a string, missing) is unknown, never a known $0.
 */
export function llmUsageOf(payload: Readonly<Record<string, unknown>>): LlmUsageReading {
  const promptTokens = count(payload.prompt_tokens);
  const completionTokens = count(payload.completion_tokens);
  return {
    model: name(payload.model) ?? 'unknown',
    provider: name(payload.provider),
    requestModel: name(payload.request_model),
    responseModel: name(payload.response_model),
    promptTokens,
    completionTokens,
    totalTokens: payload.total_tokens === undefined ? promptTokens + completionTokens : count(payload.total_tokens),
    cacheReadTokens: count(payload.cache_read_tokens ?? payload.cached_prompt_tokens),
    cacheWriteTokens: count(payload.cache_write_tokens),
    reasoningTokens: count(payload.reasoning_tokens),
    costUsd: count(payload.cost_usd),
    // A cost that is no amount (negative, NaN, a string, missing) is not a known $0.
    costUnknown: payload.cost_unknown === true || !isAmount(payload.cost_usd),
  };
}
