import { boundName } from './bounded-text.js';
import { eventPlace, frameStorage, type Frame } from './context.js';

/**
 * Token usage of one LLM call, as `recordLlmUsage` takes it. Counts follow one rule whatever the
 * provider: `promptTokens` is every input token (cached ones included), `completionTokens` every
 * output token (reasoning included); the cache and reasoning counts say how many of those were
 * of that kind.
 */
export interface LlmUsage {
  /**
   * The model that answered (the response's model when known, else the requested one), e.g.
   * `gpt-4o-mini-2024-07-18`; at most `DEFAULT_MAX_NAME` (256) characters are kept (the cut marked).
   */
  model: string;
  /**
   * Every input token, cached ones included (OpenAI's `prompt_tokens`; Anthropic's input + cache
   * creation + cache read). Leave it and `completionTokens` out when the provider reported no
   * counts: the call is then recorded with 0 tokens and `cost_unknown: true`, never a priced $0.
   */
  promptTokens: number | undefined;
  /** Every output token, reasoning included (see `promptTokens` for a call that reported none). */
  completionTokens: number | undefined;
  /** Default: `promptTokens + completionTokens`. */
  totalTokens?: number;
  /**
   * Cost in US dollars. When absent, the pipeline's price table computes it (`prices` option,
   * `cost_source: "price_table"` or `"override"`); a model it does not know leaves
   * `cost_usd: 0` with `cost_unknown: true`, so views say "unknown" instead of a wrong $0.
   */
  costUsd?: number;
  /** e.g. `openai`, `anthropic`; bounded like `model`. Used to find the model's price. */
  provider?: string;
  /** The model the call asked for, when it differs from what answered (`gpt-4o` → `gpt-4o-2024-08-06`). */
  requestModel?: string;
  /** The model the response names. */
  responseModel?: string;
  /** Of `promptTokens`, those read from the provider's prompt cache. */
  cacheReadTokens?: number;
  /** Of `promptTokens`, those written to the provider's prompt cache (Anthropic's cache creation). */
  cacheWriteTokens?: number;
  /** Of `completionTokens`, those spent on reasoning (thinking). */
  reasoningTokens?: number;
  /** @deprecated the same as `cacheReadTokens`, read when that is absent. */
  cachedPromptTokens?: number;
}

/** A count as recorded: a whole number from 0 to 2^53 − 1 (what the wire format's readers accept); anything else 0. */
function tokens(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? Math.min(Math.round(n), Number.MAX_SAFE_INTEGER) : 0;
}

/** True when `value` is a count the provider gave (a number or numeric text), not one it left out. */
function given(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return Number.isFinite(typeof value === 'number' ? value : Number(value));
}

/** A bounded, redacted name of the usage (model, provider), or `undefined` when none was given. */
function usageName(frame: Frame, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const bounded = boundName(String(value));
  return frame.emitter.host.limits.secrets?.name(bounded) ?? bounded;
}

/**
 * Records the token usage of an LLM call on the current op (an `llm_usage` event, emitted
 * before the op's `op_end`). Bad numbers become 0 rather than an exception, counts are kept
 * below 2^53; a usage whose prompt and completion counts are both absent (the provider reported
 * none) records 0 tokens with `cost_unknown: true`, never a priced $0. Outside any request it does
 * nothing. Never throws.
 */
export function recordLlmUsage(usage: LlmUsage): void {
  const frame = frameStorage.getStore();
  if (frame !== undefined) recordUsageIn(frame, usage);
}

/** `recordLlmUsage` on the op of `frame` (an op started by `startOp` records through it). */
export function recordUsageIn(frame: Frame, usage: LlmUsage): void {
  const emitter = frame.emitter;
  try {
    const prompt = tokens(usage.promptTokens);
    const completion = tokens(usage.completionTokens);
    const model = usageName(frame, usage.model ?? 'unknown')!;
    const provider = usageName(frame, usage.provider);
    const payload: Record<string, unknown> = {
      model,
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: usage.totalTokens === undefined ? Math.min(prompt + completion, Number.MAX_SAFE_INTEGER) : tokens(usage.totalTokens),
      cost_usd: 0,
    };
    if (provider !== undefined) payload.provider = provider;
    const requestModel = usageName(frame, usage.requestModel);
    if (requestModel !== undefined) payload.request_model = requestModel;
    const responseModel = usageName(frame, usage.responseModel);
    if (responseModel !== undefined) payload.response_model = responseModel;
    const cacheRead = usage.cacheReadTokens ?? usage.cachedPromptTokens;
    if (cacheRead !== undefined) payload.cache_read_tokens = tokens(cacheRead);
    if (usage.cacheWriteTokens !== undefined) payload.cache_write_tokens = tokens(usage.cacheWriteTokens);
    if (usage.reasoningTokens !== undefined) payload.reasoning_tokens = tokens(usage.reasoningTokens);
    const cost = Number(usage.costUsd);
    if (usage.costUsd !== undefined && Number.isFinite(cost) && cost >= 0) {
      payload.cost_usd = cost;
      payload.cost_source = 'caller';
    } else if (!given(usage.promptTokens) && !given(usage.completionTokens)) {
      // The provider said nothing of its counts: the call cost something, not $0 for 0 tokens.
      payload.cost_unknown = true;
      emitter.host.prices?.unpriced({ model, provider });
    } else {
      const computed = emitter.host.prices?.price({
        model, // as recorded (redacted): the metrics name unknown models
        provider,
        promptTokens: prompt,
        completionTokens: completion,
        cacheReadTokens: tokens(cacheRead),
        cacheWriteTokens: tokens(usage.cacheWriteTokens),
      });
      if (computed === undefined) payload.cost_unknown = true;
      else {
        payload.cost_usd = computed.costUsd;
        payload.cost_source = computed.source;
      }
    }
    const { opName, ctx } = eventPlace(frame);
    emitter.emit('llm_usage', opName, ctx, payload, 240 + model.length * 3 + (provider?.length ?? 0));
  } catch (error) {
    emitter.host.reportInternalError('recordLlmUsage', error);
  }
}
