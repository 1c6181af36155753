import type { LlmUsage } from '../../src/recording/llm-usage.js';

/**
 * What the AI SDK's telemetry events become in optrail ops: the inputs of an operation, a model
 * call, a tool execution, and their outputs. Every field is read here and nowhere else, so one
 * place knows the event shapes of `ai` 7 (src/telemetry/telemetry.ts and the *-events.ts files
 * it names). The SDK has already applied the call's `recordInputs` / `recordOutputs` (it blanks
 * prompts, messages, text and tool values on its telemetry copies) and its provider credential
 * redaction; optrail's own capture (limits, credential redaction) applies on top when the op
 * records these objects.
 */

/** An event as read here: any object; a field that is absent reads `undefined`. */
export type EventFields = Readonly<Record<string, unknown>>;

/** Call settings recorded as inputs, the SDK's name → the recorded name. */
const SETTINGS: ReadonlyArray<readonly [string, string]> = [
  ['maxOutputTokens', 'max_output_tokens'],
  ['temperature', 'temperature'],
  ['topP', 'top_p'],
  ['topK', 'top_k'],
  ['presencePenalty', 'presence_penalty'],
  ['frequencyPenalty', 'frequency_penalty'],
  ['stopSequences', 'stop_sequences'],
  ['seed', 'seed'],
  ['reasoning', 'reasoning'],
];

/** Prompt fields recorded as they are (the SDK leaves them out of its copy under `recordInputs: false`). */
const PROMPT = ['instructions', 'system', 'prompt', 'messages'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function setDefined(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/** The names of a tool set (`{ weather: tool(…) }`) or of prepared tool definitions (`[{ name }]`). */
function toolNames(tools: unknown): string[] | undefined {
  if (Array.isArray(tools)) return tools.map((t) => String(isObject(t) ? t.name : t));
  if (isObject(tools)) return Object.keys(tools);
  return undefined;
}

/** Provider and model, then the prompt, the tools and the call settings that are set. */
function modelInputs(event: EventFields, inputs: Record<string, unknown>): Record<string, unknown> {
  setDefined(inputs, 'provider', event.provider);
  setDefined(inputs, 'model', event.modelId);
  for (const key of PROMPT) setDefined(inputs, key, event[key]);
  const tools = toolNames(event.tools);
  if (tools !== undefined && tools.length > 0) inputs.tools = tools;
  for (const [from, to] of SETTINGS) setDefined(inputs, to, event[from]);
  return inputs;
}

/** The inputs of an operation (`onStart`): generateText, streamText, generateObject, streamObject, embed, … */
export function operationInputs(event: EventFields): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  setDefined(inputs, 'function_id', event.functionId);
  modelInputs(event, inputs);
  setDefined(inputs, 'tool_choice', event.toolChoice);
  setDefined(inputs, 'max_retries', event.maxRetries);
  // generateObject / streamObject
  if (typeof event.output === 'string') inputs.output = event.output;
  setDefined(inputs, 'schema_name', event.schemaName);
  setDefined(inputs, 'schema', event.schema);
  // embed / embedMany
  setDefined(inputs, 'value', event.value);
  setDefined(inputs, 'values', event.values);
  setDefined(inputs, 'dimensions', event.dimensions);
  return inputs;
}

/** The inputs of one language-model call (`onLanguageModelCallStart`): what was sent to the model. */
export function modelCallInputs(event: EventFields): Record<string, unknown> {
  return modelInputs(event, {});
}

/** The inputs of an embedding-model call (`onEmbedStart`). */
export function embedCallInputs(event: EventFields): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  setDefined(inputs, 'provider', event.provider);
  setDefined(inputs, 'model', event.modelId);
  setDefined(inputs, 'values', event.values);
  return inputs;
}

/** The text of content parts (`[{ type: 'text', text }]`), joined; `undefined` when there is none. */
function textOf(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  let text: string | undefined;
  for (const part of content) {
    if (isObject(part) && part.type === 'text' && typeof part.text === 'string') text = (text ?? '') + part.text;
  }
  return text;
}

/** The reasoning text of content parts, joined. */
function reasoningOf(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  let text: string | undefined;
  for (const part of content) {
    if (isObject(part) && part.type === 'reasoning' && typeof part.text === 'string') text = (text ?? '') + part.text;
  }
  return text;
}

/** The tool calls of content parts, as the model asked for them. */
function toolCallsOf(content: unknown): Array<Record<string, unknown>> | undefined {
  if (!Array.isArray(content)) return undefined;
  const calls: Array<Record<string, unknown>> = [];
  for (const part of content) {
    if (isObject(part) && part.type === 'tool-call') {
      calls.push({ tool_call_id: part.toolCallId, tool_name: part.toolName, input: part.input });
    }
  }
  return calls.length > 0 ? calls : undefined;
}

/**
 * The outputs of one language-model call (`onLanguageModelCallEnd`): the finish reason, the
 * whole text (a streamed call's deltas are already joined by the SDK), reasoning, tool calls,
 * the response id and the time to first output (streaming calls).
 */
export function modelCallOutputs(event: EventFields): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  setDefined(outputs, 'finish_reason', event.finishReason);
  setDefined(outputs, 'text', textOf(event.content));
  setDefined(outputs, 'reasoning', reasoningOf(event.content));
  setDefined(outputs, 'tool_calls', toolCallsOf(event.content));
  setDefined(outputs, 'response_id', event.responseId);
  const performance = event.performance;
  if (isObject(performance)) setDefined(outputs, 'time_to_first_output_ms', performance.timeToFirstOutputMs);
  return outputs;
}

/** The outputs of generateObject's one model call (`onObjectStepEnd`). */
export function objectCallOutputs(event: EventFields): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  setDefined(outputs, 'finish_reason', event.finishReason);
  if (event.objectText !== '') setDefined(outputs, 'text', event.objectText);
  setDefined(outputs, 'reasoning', event.reasoning);
  const response = event.response;
  if (isObject(response)) setDefined(outputs, 'response_id', response.id);
  setDefined(outputs, 'time_to_first_output_ms', event.msToFirstChunk);
  return outputs;
}

/** The outputs of a step (`onStepEnd`): why it finished; its text and usage are its model call's. */
export function stepOutputs(event: EventFields): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  setDefined(outputs, 'finish_reason', event.finishReason);
  return outputs;
}

/**
 * The outputs of an operation (`onEnd`): the final text or object, the finish reason and the
 * number of steps; for embeddings only their count and size (the vectors themselves are noise).
 */
export function operationOutputs(event: EventFields): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  if (typeof event.text === 'string') outputs.text = event.text;
  setDefined(outputs, 'object', event.object);
  setDefined(outputs, 'finish_reason', event.finishReason);
  if (Array.isArray(event.steps)) outputs.steps = event.steps.length;
  const embedding = event.embedding;
  if (Array.isArray(embedding)) {
    if (embedding.length > 0 && Array.isArray(embedding[0])) {
      outputs.embeddings = embedding.length;
      outputs.dimensions = (embedding[0] as unknown[]).length;
    } else if (embedding.length > 0) outputs.dimensions = embedding.length;
  }
  return outputs;
}

/** The outputs of an embedding-model call (`onEmbedEnd`). */
export function embedCallOutputs(event: EventFields): Record<string, unknown> {
  const embeddings = event.embeddings;
  return Array.isArray(embeddings) ? { embeddings: embeddings.length } : {};
}

/** The inputs of a tool execution: the tool call's id and the input the model gave (absent under `recordInputs: false`). */
export function toolInputs(toolCall: EventFields): Record<string, unknown> {
  const inputs: Record<string, unknown> = { tool_call_id: toolCall.toolCallId };
  setDefined(inputs, 'input', toolCall.input);
  return inputs;
}

/**
 * The provider as the price table names it: the AI SDK's provider ids carry the API after a dot
 * (`openai.chat`, `anthropic.messages`, `google.generative-ai`); the SDK itself keys provider
 * options by the first part.
 */
function pricingProvider(provider: unknown): string | undefined {
  if (typeof provider !== 'string' || provider === '') return undefined;
  const dot = provider.indexOf('.');
  return dot > 0 ? provider.slice(0, dot) : provider;
}

/** A count the SDK reported; `undefined` when it has none (absent, or NaN: the SDK gives an embedding call that reported none `tokens: NaN`). */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A usage whose prompt and completion counts may be unknown (`undefined`: the provider reported none). */
type ReportedUsage = Omit<LlmUsage, 'promptTokens' | 'completionTokens'> & {
  promptTokens: number | undefined;
  completionTokens: number | undefined;
};

/**
 * `usage` as `recordUsage` takes it. An unknown count stays `undefined`, never 0: with both
 * counts unknown the core records `cost_unknown: true` instead of pricing 0 tokens as a known $0.
 * (`LlmUsage` types the counts as numbers; the core reads an absent one as not reported.)
 */
function asLlmUsage(usage: ReportedUsage): LlmUsage {
  return usage as LlmUsage;
}

/**
 * The `llm_usage` of a language-model call from the SDK's `LanguageModelUsage` (v7:
 * `inputTokens` is every input token, cache reads and writes included, and `outputTokens` every
 * output token, reasoning included: the contract's `promptTokens` / `completionTokens`). A count
 * the provider did not report stays unknown; `usage` `undefined` (a call that ended without its
 * end event) is the usage of the requested model with no counts.
 */
export function languageModelUsage(usage: unknown, requestModel: unknown, responseModel: unknown, provider: unknown): LlmUsage {
  const u = isObject(usage) ? usage : {};
  const input = isObject(u.inputTokenDetails) ? u.inputTokenDetails : {};
  const output = isObject(u.outputTokenDetails) ? u.outputTokenDetails : {};
  const requested = typeof requestModel === 'string' && requestModel !== '' ? requestModel : undefined;
  const responded = typeof responseModel === 'string' && responseModel !== '' ? responseModel : undefined;
  const recorded = asLlmUsage({
    model: responded ?? requested ?? 'unknown',
    promptTokens: count(u.inputTokens),
    completionTokens: count(u.outputTokens),
  });
  const total = count(u.totalTokens);
  if (total !== undefined) recorded.totalTokens = total;
  const providerName = pricingProvider(provider);
  if (providerName !== undefined) recorded.provider = providerName;
  if (requested !== undefined) recorded.requestModel = requested;
  if (responded !== undefined) recorded.responseModel = responded;
  const cacheRead = count(input.cacheReadTokens);
  if (cacheRead !== undefined) recorded.cacheReadTokens = cacheRead;
  const cacheWrite = count(input.cacheWriteTokens);
  if (cacheWrite !== undefined) recorded.cacheWriteTokens = cacheWrite;
  const reasoning = count(output.reasoningTokens);
  if (reasoning !== undefined) recorded.reasoningTokens = reasoning;
  return recorded;
}

/**
 * The `llm_usage` of an embedding-model call (`EmbeddingModelUsage`: `{ tokens }`, all input, so
 * no completion tokens); tokens the provider did not report (many embedding APIs report none)
 * leave both counts unknown.
 */
export function embeddingUsage(usage: unknown, model: unknown, provider: unknown): LlmUsage {
  const tokens = isObject(usage) ? count(usage.tokens) : undefined;
  const recorded = asLlmUsage({
    model: typeof model === 'string' && model !== '' ? model : 'unknown',
    promptTokens: tokens,
    completionTokens: tokens === undefined ? undefined : 0,
  });
  const providerName = pricingProvider(provider);
  if (providerName !== undefined) recorded.provider = providerName;
  return recorded;
}
