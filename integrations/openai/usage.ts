import type { LlmUsage } from '../../src/recording/llm-usage.js';
import { isRecord, read, text, tokenCount } from '../shared/safe-read.js';

/** Where an OpenAI usage object keeps its counts: Chat Completions and Embeddings, or the Responses API. */
interface UsageFields {
  prompt: string;
  completion: string;
  promptDetails: string;
  completionDetails: string;
}

/** Chat Completions (and Embeddings, which have no completion). */
export const CHAT_USAGE: UsageFields = { prompt: 'prompt_tokens', completion: 'completion_tokens', promptDetails: 'prompt_tokens_details', completionDetails: 'completion_tokens_details' };
/** The Responses API. */
export const RESPONSES_USAGE: UsageFields = { prompt: 'input_tokens', completion: 'output_tokens', promptDetails: 'input_tokens_details', completionDetails: 'output_tokens_details' };

/** The models of a call: the one asked for and the one that answered. */
export interface CallModels {
  requestModel: string | undefined;
  responseModel: string | undefined;
  provider: string;
}

/** The model a request body asks for. */
export function requestModelOf(body: unknown): string | undefined {
  return text(read(body, 'model'));
}

/**
 * An OpenAI usage object as `recordLlmUsage` takes it. `prompt_tokens` / `input_tokens` already
 * count the cached tokens, `completion_tokens` / `output_tokens` the reasoning ones, which is the
 * rule `LlmUsage` follows: counts are copied, never added. A count the response leaves out is left
 * out (unknown, not 0). `undefined` when `raw` holds no count at all.
 */
export function openaiUsage(raw: unknown, fields: UsageFields, models: CallModels): LlmUsage | undefined {
  if (!isRecord(raw)) return undefined;
  const prompt = tokenCount(read(raw, fields.prompt));
  const completion = tokenCount(read(raw, fields.completion));
  if (prompt === undefined && completion === undefined) return undefined;
  const usage: LlmUsage = {
    model: models.responseModel ?? models.requestModel ?? 'unknown',
    provider: models.provider,
    promptTokens: prompt ?? 0,
    completionTokens: completion ?? 0,
  };
  const total = tokenCount(read(raw, 'total_tokens'));
  if (total !== undefined) usage.totalTokens = total;
  if (models.requestModel !== undefined) usage.requestModel = models.requestModel;
  if (models.responseModel !== undefined) usage.responseModel = models.responseModel;
  const promptDetails = read(raw, fields.promptDetails);
  const cacheRead = tokenCount(read(promptDetails, 'cached_tokens'));
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead;
  const cacheWrite = tokenCount(read(promptDetails, 'cache_write_tokens'));
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite;
  const reasoning = tokenCount(read(read(raw, fields.completionDetails), 'reasoning_tokens'));
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return usage;
}
