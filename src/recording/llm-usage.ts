import { boundName } from './bounded-text.js';
import { eventPlace, frameStorage } from './context.js';

/** Token usage of one LLM call, as `recordLlmUsage` takes it. */
export interface LlmUsage {
  /** The model that answered, e.g. `gpt-4o-mini`; at most `DEFAULT_MAX_NAME` (256) characters are kept (the cut marked). */
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Default: `promptTokens + completionTokens`. */
  totalTokens?: number;
  /**
   * Cost in US dollars. When absent the event carries `cost_usd: 0` and `cost_unknown: true`,
   * so views can say "unknown" instead of a wrong $0.
   */
  costUsd?: number;
  /** e.g. `openai`, `anthropic`; bounded like `model`. */
  provider?: string;
  cachedPromptTokens?: number;
  reasoningTokens?: number;
}

function tokens(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}

/**
 * Records the token usage of an LLM call on the current op (an `llm_usage` event, emitted
 * before the op's `op_end`). Bad numbers become 0 rather than an exception. Outside any request
 * it does nothing. Never throws.
 */
export function recordLlmUsage(usage: LlmUsage): void {
  const frame = frameStorage.getStore();
  if (frame === undefined) return;
  const emitter = frame.emitter;
  try {
    const prompt = tokens(usage.promptTokens);
    const completion = tokens(usage.completionTokens);
    const secrets = emitter.host.limits.secrets;
    const boundedModel = boundName(usage.model ?? 'unknown');
    const model = secrets?.name(boundedModel) ?? boundedModel;
    const payload: Record<string, unknown> = {
      model,
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: usage.totalTokens === undefined ? prompt + completion : tokens(usage.totalTokens),
      cost_usd: 0,
    };
    const cost = Number(usage.costUsd);
    if (usage.costUsd !== undefined && Number.isFinite(cost) && cost >= 0) payload.cost_usd = cost;
    else payload.cost_unknown = true;
    let provider = '';
    if (usage.provider !== undefined) {
      provider = boundName(usage.provider);
      payload.provider = provider = secrets?.name(provider) ?? provider;
    }
    if (usage.cachedPromptTokens !== undefined) payload.cached_prompt_tokens = tokens(usage.cachedPromptTokens);
    if (usage.reasoningTokens !== undefined) payload.reasoning_tokens = tokens(usage.reasoningTokens);
    const { opName, ctx } = eventPlace(frame);
    emitter.emit('llm_usage', opName, ctx, payload, 160 + model.length + provider.length);
  } catch (error) {
    emitter.host.reportInternalError('recordLlmUsage', error);
  }
}
