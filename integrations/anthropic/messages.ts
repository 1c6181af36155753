/**
 * `messages.create` (and the `messages.stream` helper built on it): the message's content blocks
 * (text, thinking, tool use) and stop reason as outputs, its usage. Streamed, the message is
 * rebuilt from the events, and the usage is `message_start`'s with `message_delta`'s counts over
 * it: those counts are cumulative, so each one replaces the one before, never adds to it.
 */
import type { LlmUsage } from '../../src/recording/llm-usage.js';
import type { CallRecording, Recorded } from '../shared/traced-call.js';
import { isRecord, read, text, tokenCount } from '../shared/safe-read.js';

/** The counts of `message_delta.usage` that replace `message_start`'s when present (not null). */
const DELTA_TOTALS = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens', 'output_tokens_details'] as const;

/**
 * An Anthropic usage as `recordLlmUsage` takes it. Anthropic's `input_tokens` leaves out the
 * cached tokens: `promptTokens` is input + cache creation + cache read (every input token), and
 * the cache counts say how many of those were written and read. `output_tokens` counts the
 * thinking tokens (`output_tokens_details.thinking_tokens`).
 */
export function anthropicUsage(raw: unknown, requestModel: string | undefined, responseModel: string | undefined): LlmUsage | undefined {
  if (!isRecord(raw)) return undefined;
  const input = tokenCount(read(raw, 'input_tokens'));
  const output = tokenCount(read(raw, 'output_tokens'));
  if (input === undefined && output === undefined) return undefined;
  const cacheWrite = tokenCount(read(raw, 'cache_creation_input_tokens'));
  const cacheRead = tokenCount(read(raw, 'cache_read_input_tokens'));
  const usage: LlmUsage = {
    model: responseModel ?? requestModel ?? 'unknown',
    provider: 'anthropic',
    promptTokens: (input ?? 0) + (cacheWrite ?? 0) + (cacheRead ?? 0),
    completionTokens: output ?? 0,
  };
  if (requestModel !== undefined) usage.requestModel = requestModel;
  if (responseModel !== undefined) usage.responseModel = responseModel;
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite;
  const thinking = tokenCount(read(read(raw, 'output_tokens_details'), 'thinking_tokens'));
  if (thinking !== undefined) usage.reasoningTokens = thinking;
  return usage;
}

/** One content block as its deltas build it. */
interface Block {
  block: Record<string, unknown>;
  /** A tool use's input, as its `input_json_delta`s send it. */
  json?: string;
}

function messageOutputs(id: unknown, model: unknown, stopReason: unknown, content: unknown): Record<string, unknown> {
  return { id, model, stop_reason: stopReason ?? null, content };
}

class MessagesRecording implements CallRecording {
  private readonly requestModel: string | undefined;
  private responseModel: string | undefined;
  private id: unknown;
  private stopReason: unknown;
  private usage: Record<string, unknown> | undefined;
  private readonly blocks = new Map<number, Block>();
  private sawStart = false;
  private sawDelta = false;

  constructor(readonly args: readonly unknown[]) {
    this.requestModel = text(read(args[0], 'model'));
  }

  result(message: unknown): Recorded {
    const model = text(read(message, 'model'));
    const usage = anthropicUsage(read(message, 'usage'), this.requestModel, model);
    return {
      outputs: messageOutputs(read(message, 'id'), read(message, 'model'), read(message, 'stop_reason'), read(message, 'content')),
      usage,
      usageNote: usage === undefined ? ['usage_missing', 'the message carried no usage'] : undefined,
    };
  }

  item(event: unknown): boolean {
    switch (read(event, 'type')) {
      case 'message_start': {
        const message = read(event, 'message');
        this.sawStart = true;
        this.id = read(message, 'id');
        this.responseModel = text(read(message, 'model'));
        const usage = read(message, 'usage');
        this.usage = isRecord(usage) ? { ...usage } : {};
        break;
      }
      case 'content_block_start': {
        const index = read(event, 'index');
        const block = read(event, 'content_block');
        if (typeof index === 'number' && isRecord(block)) this.blocks.set(index, { block: { ...block } });
        break;
      }
      case 'content_block_delta':
        this.addDelta(read(event, 'index'), read(event, 'delta'));
        break;
      case 'message_delta': {
        this.sawDelta = true;
        const stopReason = read(read(event, 'delta'), 'stop_reason');
        if (stopReason !== undefined && stopReason !== null) this.stopReason = stopReason;
        const totals = read(event, 'usage');
        this.usage ??= {};
        for (const name of DELTA_TOTALS) {
          const value = read(totals, name);
          if (value !== undefined && value !== null) this.usage[name] = value; // cumulative: replaces, never adds
        }
        break;
      }
    }
    return true;
  }

  private addDelta(index: unknown, delta: unknown): void {
    const open = this.blocks.get(index as number);
    if (open === undefined) return;
    const block = open.block;
    switch (read(delta, 'type')) {
      case 'text_delta':
        block.text = (text(block.text) ?? '') + (text(read(delta, 'text')) ?? '');
        break;
      case 'thinking_delta':
        block.thinking = (text(block.thinking) ?? '') + (text(read(delta, 'thinking')) ?? '');
        break;
      case 'signature_delta':
        block.signature = text(read(delta, 'signature')) ?? block.signature;
        break;
      case 'input_json_delta':
        open.json = (open.json ?? '') + (text(read(delta, 'partial_json')) ?? '');
        break;
      case 'citations_delta': {
        const citations = Array.isArray(block.citations) ? block.citations : [];
        block.citations = [...citations, read(delta, 'citation')];
        break;
      }
    }
  }

  streamed(): Recorded {
    if (!this.sawStart) return { usageNote: ['usage_missing', 'the stream ended before message_start'] };
    const content = [...this.blocks.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, open]) => (open.json === undefined ? open.block : { ...open.block, input: parsedInput(open.json) }));
    const usage = anthropicUsage(this.usage, this.requestModel, this.responseModel);
    return {
      outputs: messageOutputs(this.id, this.responseModel, this.stopReason, content),
      usage,
      // Before message_delta, message_start's output count is a placeholder.
      usageNote: this.sawDelta ? undefined : ['usage_partial', 'the stream ended before message_delta: output tokens as message_start counted them'],
    };
  }
}

/** A tool use's input: the JSON its deltas sent, parsed (the text itself when it is not JSON yet: a stream cut mid-way). */
function parsedInput(json: string): unknown {
  if (json === '') return {};
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

/** The recording of one `messages.create` call. */
export function messagesRecording(args: readonly unknown[]): CallRecording {
  return new MessagesRecording(args);
}
