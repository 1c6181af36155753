/**
 * Mock models and the event outline for the AI SDK integration's tests (test/integrations/ai-sdk*.test.ts).
 */
import { jsonSchema, tool } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';

/** A usage in the provider (v4 spec) shape: 10 input tokens of which 3 cache reads and 2 writes, 5 output of which 1 reasoning. */
export const USAGE = {
  inputTokens: { total: 10, noCache: 5, cacheRead: 3, cacheWrite: 2 },
  outputTokens: { total: 5, text: 4, reasoning: 1 },
};

/** The `llm_usage` payload USAGE becomes for a model the price table does not know. */
export function usagePayload(model: string, provider: string, requestModel = model): Record<string, unknown> {
  return {
    model,
    prompt_tokens: 10,
    completion_tokens: 5,
    total_tokens: 15,
    cost_usd: 0,
    provider,
    request_model: requestModel,
    response_model: model,
    cache_read_tokens: 3,
    cache_write_tokens: 2,
    reasoning_tokens: 1,
    cost_unknown: true,
  };
}

const STOP = { unified: 'stop', raw: 'stop' } as const;

/** A model answering `text` (response id `resp-<n>`, answering model `<modelId>-2025`). */
export function textModel(text = 'Hello', modelId = 'mock-model'): MockLanguageModelV4 {
  let n = 0;
  return new MockLanguageModelV4({
    provider: 'mock.chat',
    modelId,
    doGenerate: async () => ({
      content: [{ type: 'text', text }],
      finishReason: STOP,
      usage: USAGE,
      warnings: [],
      response: { id: `resp-${n++}`, modelId: `${modelId}-2025`, timestamp: new Date(0) },
    }),
  });
}

/** A model that calls `weather` for Lisbon first, then answers "Sunny". */
export function toolLoopModel(): MockLanguageModelV4 {
  let n = 0;
  return new MockLanguageModelV4({
    provider: 'mock.chat',
    modelId: 'mock-model',
    doGenerate: async () =>
      n++ === 0
        ? {
            content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Lisbon"}' }],
            finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
            usage: USAGE,
            warnings: [],
            response: { id: 'resp-0', modelId: 'mock-model-2025', timestamp: new Date(0) },
          }
        : {
            content: [{ type: 'text', text: 'Sunny' }],
            finishReason: STOP,
            usage: USAGE,
            warnings: [],
            response: { id: 'resp-1', modelId: 'mock-model-2025', timestamp: new Date(0) },
          },
  });
}

/** The weather tool, its execute given. */
export function weatherTool(execute: (input: { city: string }) => Promise<unknown>) {
  return tool<{ city: string }, unknown, {}>({
    inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
    execute: (input) => execute(input),
  });
}

/** The stream parts of a streamed answer in `deltas`. */
export function textStreamParts(deltas: string[]): LanguageModelV4StreamPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', id: 'resp-s', modelId: 'mock-model-2025', timestamp: new Date(0) },
    { type: 'text-start', id: 't' },
    ...deltas.map((delta) => ({ type: 'text-delta' as const, id: 't', delta })),
    { type: 'text-end', id: 't' },
    { type: 'finish', finishReason: STOP, usage: USAGE },
  ];
}

/** A model streaming `deltas`. */
export function streamModel(deltas: string[]): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    provider: 'mock.chat',
    modelId: 'mock-model',
    doStream: async () => ({ stream: convertArrayToReadableStream(textStreamParts(deltas)) }),
  });
}

type Outlined = [kind: string, op: string | null, ctx: string, detail: unknown];

/**
 * Each event as `[kind, op_name, ctx, what matters]`: an op_start's inputs, an op_end's status and
 * outputs (and its error's type and message), an llm_usage's whole payload, an annotation's key.
 */
export function sequence(events: readonly TraceEvent[]): Outlined[] {
  return events.map((e) => {
    const payload = e.payload as Record<string, any>;
    const ctx = e.ctx.join('/');
    if (e.kind === 'op_start') return [e.kind, e.op_name, ctx, payload.inputs];
    if (e.kind === 'op_end') {
      const detail: Record<string, unknown> = { status: payload.status, outputs: payload.outputs };
      if (payload.error) detail.error = `${payload.error.type}: ${payload.error.message}`;
      return [e.kind, e.op_name, ctx, detail];
    }
    if (e.kind === 'llm_usage') return [e.kind, e.op_name, ctx, payload];
    if (e.kind === 'annotation') return [e.kind, e.op_name, ctx, payload.key];
    return [e.kind, e.op_name, ctx, payload];
  });
}
