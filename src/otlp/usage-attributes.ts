/**
 * LLM usage as span attributes: a span's own calls in the OpenTelemetry GenAI conventions, and
 * the rollups of a request (its root span) and of a group in optrail's own `optrail.usage.*`.
 * Calls are read with `llmUsageOf` and summed with the views' arithmetic (`llm-usage-sum.ts`).
 */
import type { LlmUsageReading } from '../wire/llm-usage.js';
import { addToModel, addUsageReading, emptyUsageSum, type UsageSum } from '../wire/llm-usage-sum.js';
import { attribute, jsonAttribute } from './attributes.js';
import type { OtlpKeyValue } from './types.js';

/**
 * The GenAI attribute names, as the OpenTelemetry GenAI semantic conventions write them
 * (open-telemetry/semantic-conventions-genai, model/gen-ai/registry.yaml). Input tokens include
 * cache reads and writes, output tokens include reasoning, as optrail's counts do.
 */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  reasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
} as const;

/** A name every call of a span gave the same way: the value, or `undefined` when a call had none or they differ. */
class Agreed {
  private value: string | undefined;
  private seen = false;
  private differs = false;

  add(next: string | undefined): void {
    if (!this.seen) [this.value, this.seen] = [next, true];
    else if (next !== this.value) this.differs = true;
  }

  get(): string | undefined {
    return this.differs ? undefined : this.value;
  }
}

/**
 * The LLM calls recorded on one op: their sums as `gen_ai.usage.*`, and the model and provider
 * when every call names the same one (two calls to two models claim neither; their models are
 * listed in `optrail.llm.models`).
 */
export class CallUsage {
  private readonly sum = emptyUsageSum();
  private readonly requestModel = new Agreed();
  private readonly responseModel = new Agreed();
  private readonly provider = new Agreed();
  private readonly models: string[] = [];

  add(call: LlmUsageReading): void {
    addUsageReading(this.sum, call);
    this.requestModel.add(call.requestModel ?? call.model);
    this.responseModel.add(call.responseModel);
    this.provider.add(call.provider);
    if (!this.models.includes(call.model)) this.models.push(call.model);
  }

  attributes(): OtlpKeyValue[] {
    const sum = this.sum;
    const out: OtlpKeyValue[] = [attribute(GEN_AI.operationName, 'chat')];
    const requestModel = this.requestModel.get();
    const responseModel = this.responseModel.get();
    const provider = this.provider.get();
    if (requestModel !== undefined) out.push(attribute(GEN_AI.requestModel, requestModel));
    if (responseModel !== undefined) out.push(attribute(GEN_AI.responseModel, responseModel));
    if (provider !== undefined) out.push(attribute(GEN_AI.providerName, provider));
    out.push(attribute(GEN_AI.inputTokens, sum.prompt), attribute(GEN_AI.outputTokens, sum.completion));
    // Written when there were any: most calls have no cache or reasoning tokens.
    if (sum.cacheRead > 0) out.push(attribute(GEN_AI.cacheReadInputTokens, sum.cacheRead));
    if (sum.cacheWrite > 0) out.push(attribute(GEN_AI.cacheCreationInputTokens, sum.cacheWrite));
    if (sum.reasoning > 0) out.push(attribute(GEN_AI.reasoningOutputTokens, sum.reasoning));
    out.push({ key: 'optrail.cost_usd', value: { doubleValue: sum.costUsd } });
    if (sum.costUnknownCalls > 0) out.push(attribute('optrail.cost_unknown', true));
    if (sum.calls > 1) out.push(attribute('optrail.llm.calls', sum.calls));
    if (this.models.length > 1) out.push({ key: 'optrail.llm.models', value: { arrayValue: { values: this.models.map((m) => ({ stringValue: m })) } } });
    return out;
  }
}

function usageFields(sum: UsageSum) {
  return {
    calls: sum.calls,
    input_tokens: sum.prompt,
    output_tokens: sum.completion,
    total_tokens: sum.total,
    cache_read_input_tokens: sum.cacheRead,
    cache_creation_input_tokens: sum.cacheWrite,
    reasoning_output_tokens: sum.reasoning,
    cost_usd: sum.costUsd,
    cost_unknown_calls: sum.costUnknownCalls,
  };
}

/**
 * The LLM usage of a request (on its root span) or of a group (on its span), every call summed,
 * as `optrail.usage.*`: not `gen_ai.usage.*`, which a backend sums over a trace's spans and would
 * then count twice (once on the op, once on the rollup).
 */
export class UsageRollup {
  private readonly sum = emptyUsageSum();
  /** A `Map`: a model named `__proto__` is a key like any other. */
  private readonly byModel = new Map<string, UsageSum>();

  add(call: LlmUsageReading): void {
    addUsageReading(this.sum, call);
    addToModel(this.byModel, call);
  }

  /** The attributes, none when no call was recorded. */
  attributes(): OtlpKeyValue[] {
    const sum = this.sum;
    if (sum.calls === 0) return [];
    const out: OtlpKeyValue[] = [
      attribute('optrail.usage.calls', sum.calls),
      attribute('optrail.usage.input_tokens', sum.prompt),
      attribute('optrail.usage.output_tokens', sum.completion),
      attribute('optrail.usage.total_tokens', sum.total),
      attribute('optrail.usage.cache_read.input_tokens', sum.cacheRead),
      attribute('optrail.usage.cache_creation.input_tokens', sum.cacheWrite),
      attribute('optrail.usage.reasoning.output_tokens', sum.reasoning),
      { key: 'optrail.usage.cost_usd', value: { doubleValue: sum.costUsd } },
      attribute('optrail.usage.cost_unknown_calls', sum.costUnknownCalls),
    ];
    const models = [...this.byModel].sort(([a], [b]) => a.localeCompare(b)).map(([model, s]) => ({ model, ...usageFields(s) }));
    out.push(attribute('optrail.usage.by_model', jsonAttribute(models)));
    return out;
  }
}
