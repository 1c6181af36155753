/**
 * Issue 17 §1, review 17 items 1 and 2: a model call whose token counts are not known (the
 * provider reported none, or the call ended without its end event: a stream cut before its
 * finish part, an abort, an error, a call forgotten past maxOpenCalls) records an `llm_usage`
 * with `cost_unknown: true`, never 0 tokens priced as a known $0 and never nothing at all (the
 * request's totals would look complete); and every child op ends before its parent.
 */
import { describe, expect, it } from 'vitest';
import { embed, generateText, streamText } from 'ai';
import { convertArrayToReadableStream, MockEmbeddingModelV4, MockLanguageModelV4 } from 'ai/test';
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { optrailTelemetry } from '../../integrations/ai-sdk/index.js';
import { tracer } from '../helpers.js';
import { sequence, textStreamParts } from './ai-sdk-mocks.js';

const STOP = { unified: 'stop', raw: 'stop' } as const;
const NO_COUNTS = {
  inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: undefined, text: undefined, reasoning: undefined },
};

/** The `llm_usage` of a call to a model the price table knows, whose counts are not known. */
function unknownUsage(model: string, provider: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost_usd: 0, provider, ...extra, cost_unknown: true };
}

/** A priced model streaming `parts`, then (unless `fail`) closing, else erroring with `fail`. */
function streamingModel(parts: LanguageModelV4StreamPart[], fail?: Error): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    provider: 'anthropic.messages',
    modelId: 'claude-sonnet-4-5',
    doStream: async () => ({
      stream:
        fail === undefined
          ? convertArrayToReadableStream(parts)
          : new ReadableStream({
              start(c) {
                for (const part of parts) c.enqueue(part);
                c.error(fail);
              },
            }),
    }),
  });
}

const S = 'main/ai.streamText#0';
const LM = `${S}/ai.step#0/ai.languageModelCall#0`;
const CLAUDE = unknownUsage('claude-sonnet-4-5', 'anthropic', { request_model: 'claude-sonnet-4-5' });

describe('optrail/ai-sdk: counts the provider did not report are unknown, not $0', () => {
  it('a language-model call without token counts: cost_unknown, no cost_source, though the model has a price', async () => {
    const { pipeline, events } = tracer();
    const model = new MockLanguageModelV4({
      provider: 'openai.chat',
      modelId: 'gpt-4o',
      doGenerate: async () => ({ content: [{ type: 'text', text: 'hi' }], finishReason: STOP, usage: NO_COUNTS, warnings: [] }),
    });
    const result = await pipeline.run(() => generateText({ model, prompt: 'x', telemetry: { integrations: [optrailTelemetry()] } }));
    expect(result.text).toBe('hi');
    const usage = (await events()).filter((e) => e.kind === 'llm_usage').map((e) => e.payload);
    expect(usage).toEqual([unknownUsage('gpt-4o', 'openai', { request_model: 'gpt-4o', response_model: 'gpt-4o' })]);
    expect(usage[0]).not.toHaveProperty('cost_source');
  });

  it('an embedding call without usage (its tokens NaN in the SDK): cost_unknown; one with usage is still priced', async () => {
    const { pipeline, events } = tracer();
    let reports = false;
    const model = new MockEmbeddingModelV4({
      provider: 'openai.embedding',
      modelId: 'text-embedding-3-small',
      doEmbed: async () => (reports ? { embeddings: [[0.1, 0.2]], usage: { tokens: 4 }, warnings: [] } : ({ embeddings: [[0.1, 0.2]], warnings: [] } as never)),
    });
    const unreported = await pipeline.run(() => embed({ model, value: 'hello', telemetry: { integrations: [optrailTelemetry()] } }));
    expect(unreported.usage.tokens).toBeNaN();
    reports = true;
    await pipeline.run(() => embed({ model, value: 'hello', telemetry: { integrations: [optrailTelemetry()] } }));
    const usage = (await events()).filter((e) => e.kind === 'llm_usage').map((e) => e.payload);
    expect(usage).toEqual([
      unknownUsage('text-embedding-3-small', 'openai'),
      expect.objectContaining({ prompt_tokens: 4, completion_tokens: 0, cost_source: 'price_table' }),
    ]);
    expect(usage[0]).not.toHaveProperty('cost_source');
  });
});

describe('optrail/ai-sdk: a model call ended without its end event still records its usage, unknown', () => {
  it('a stream cut before its finish part: usage unknown, the model call cancelled before its step ends', async () => {
    const { pipeline, events } = tracer();
    const cut = textStreamParts(['a long answer...']).filter((p) => p.type !== 'finish' && p.type !== 'response-metadata');
    const text = await pipeline.run(() => streamText({ model: streamingModel(cut), prompt: 'x', telemetry: { integrations: [optrailTelemetry()] } }).text);
    expect(text).toBe('a long answer...');
    expect(sequence(await events())).toEqual([
      ['op_start', 'ai.streamText', S, expect.any(Object)],
      ['op_start', 'ai.step', `${S}/ai.step#0`, { step: 0 }],
      ['op_start', 'ai.languageModelCall', LM, expect.any(Object)],
      ['llm_usage', 'ai.languageModelCall', LM, CLAUDE],
      ['op_end', 'ai.languageModelCall', LM, { status: 'cancelled', outputs: {} }],
      ['op_end', 'ai.step', `${S}/ai.step#0`, { status: 'ok', outputs: { finish_reason: 'other' } }],
      ['op_end', 'ai.streamText', S, { status: 'ok', outputs: { text: 'a long answer...', finish_reason: 'other', steps: 1 } }],
    ]);
  });

  it('a stream that errors mid-answer: usage unknown, then every op ends error, children first', async () => {
    const { pipeline, events } = tracer();
    const failure = new Error('connection reset');
    const run = pipeline.run(async () => {
      const result = streamText({ model: streamingModel(textStreamParts(['Hel']).slice(0, 4), failure), prompt: 'x', onError: () => {}, telemetry: { integrations: [optrailTelemetry()] } });
      for await (const _chunk of result.textStream) {
        // read to the end
      }
    });
    await expect(run).rejects.toBe(failure);
    const error = { status: 'error', outputs: {}, error: 'Error: connection reset' };
    expect(sequence(await events())).toEqual([
      ['op_start', 'ai.streamText', S, expect.any(Object)],
      ['op_start', 'ai.step', `${S}/ai.step#0`, { step: 0 }],
      ['op_start', 'ai.languageModelCall', LM, expect.any(Object)],
      ['llm_usage', 'ai.languageModelCall', LM, CLAUDE],
      ['op_end', 'ai.languageModelCall', LM, error],
      ['op_end', 'ai.step', `${S}/ai.step#0`, error],
      ['op_end', 'ai.streamText', S, error],
    ]);
  });

  it('a provider error in generateText: usage unknown, then the model call ends error', async () => {
    const { pipeline, events } = tracer();
    const failure = new Error('provider down');
    const model = new MockLanguageModelV4({
      provider: 'openai.chat',
      modelId: 'gpt-4o',
      doGenerate: async () => {
        throw failure;
      },
    });
    await expect(pipeline.run(() => generateText({ model, prompt: 'x', maxRetries: 0, telemetry: { integrations: [optrailTelemetry()] } }))).rejects.toBe(failure);
    const G = 'main/ai.generateText#0';
    const error = { status: 'error', outputs: {}, error: 'Error: provider down' };
    expect(sequence(await events())).toEqual([
      ['op_start', 'ai.generateText', G, expect.any(Object)],
      ['op_start', 'ai.step', `${G}/ai.step#0`, { step: 0 }],
      ['op_start', 'ai.languageModelCall', `${G}/ai.step#0/ai.languageModelCall#0`, expect.any(Object)],
      ['llm_usage', 'ai.languageModelCall', `${G}/ai.step#0/ai.languageModelCall#0`, unknownUsage('gpt-4o', 'openai', { request_model: 'gpt-4o' })],
      ['op_end', 'ai.languageModelCall', `${G}/ai.step#0/ai.languageModelCall#0`, error],
      ['op_end', 'ai.step', `${G}/ai.step#0`, error],
      ['op_end', 'ai.generateText', G, error],
    ]);
  });

  it('calls forgotten past maxOpenCalls: their open model and embedding calls record an unknown usage, then end cancelled, children first', async () => {
    const { pipeline, events } = tracer();
    const t = optrailTelemetry({ maxOpenCalls: 1 });
    await pipeline.run(async () => {
      t.onStart!({ callId: 'a', operationId: 'ai.streamText' } as never);
      t.onStepStart!({ callId: 'a', stepNumber: 0 } as never);
      t.onLanguageModelCallStart!({ callId: 'a', provider: 'openai.chat', modelId: 'gpt-4o' } as never);
      t.onStart!({ callId: 'b', operationId: 'ai.embedMany' } as never); // forgets a
      t.onEmbedStart!({ callId: 'b', embedCallId: 'e0', provider: 'openai.embedding', modelId: 'text-embedding-3-small', values: ['v'] } as never);
      t.onStart!({ callId: 'c', operationId: 'ai.generateText' } as never); // forgets b
      t.onEnd!({ callId: 'c', text: '' } as never);
    });
    const A = 'main/ai.streamText#0';
    const B = 'main/ai.embedMany#0';
    expect(sequence(await events())).toEqual([
      ['op_start', 'ai.streamText', A, {}],
      ['op_start', 'ai.step', `${A}/ai.step#0`, { step: 0 }],
      ['op_start', 'ai.languageModelCall', `${A}/ai.step#0/ai.languageModelCall#0`, { provider: 'openai.chat', model: 'gpt-4o' }],
      ['op_start', 'ai.embedMany', B, {}],
      ['llm_usage', 'ai.languageModelCall', `${A}/ai.step#0/ai.languageModelCall#0`, unknownUsage('gpt-4o', 'openai', { request_model: 'gpt-4o' })],
      ['op_end', 'ai.languageModelCall', `${A}/ai.step#0/ai.languageModelCall#0`, { status: 'cancelled', outputs: {} }],
      ['op_end', 'ai.step', `${A}/ai.step#0`, { status: 'cancelled', outputs: {} }],
      ['op_end', 'ai.streamText', A, { status: 'cancelled', outputs: {} }],
      ['op_start', 'ai.embeddingModelCall', `${B}/ai.embeddingModelCall#0`, { provider: 'openai.embedding', model: 'text-embedding-3-small', values: ['v'] }],
      ['op_start', 'ai.generateText', 'main/ai.generateText#0', {}],
      ['llm_usage', 'ai.embeddingModelCall', `${B}/ai.embeddingModelCall#0`, unknownUsage('text-embedding-3-small', 'openai')],
      ['op_end', 'ai.embeddingModelCall', `${B}/ai.embeddingModelCall#0`, { status: 'cancelled', outputs: {} }],
      ['op_end', 'ai.embedMany', B, { status: 'cancelled', outputs: {} }],
      ['op_end', 'ai.generateText', 'main/ai.generateText#0', { status: 'ok', outputs: { text: '' } }],
    ]);
    expect(pipeline.metrics().internalErrors).toBe(2); // each forgotten call, once
  });

  it('a step that ends while its model call is open: the model call ends first (cancelled, usage unknown); a late end of it is a repeat', async () => {
    const { pipeline, events } = tracer();
    const t = optrailTelemetry();
    await pipeline.run(async () => {
      t.onStart!({ callId: 'c', operationId: 'ai.streamText' } as never);
      t.onStepStart!({ callId: 'c', stepNumber: 0 } as never);
      t.onLanguageModelCallStart!({ callId: 'c', provider: 'openai.chat', modelId: 'gpt-4o' } as never);
      t.onStepEnd!({ callId: 'c', stepNumber: 0, finishReason: 'other' } as never);
      t.onLanguageModelCallEnd!({ callId: 'c', provider: 'openai.chat', modelId: 'gpt-4o', usage: { inputTokens: 1, outputTokens: 1 } } as never);
      t.onEnd!({ callId: 'c', text: '' } as never);
    });
    const M = `${'main/ai.streamText#0'}/ai.step#0/ai.languageModelCall#0`;
    expect(sequence(await events()).map(([kind, name, ctx, detail]) => [kind, name, ctx, kind === 'op_end' ? (detail as { status: string }).status : undefined])).toEqual([
      ['op_start', 'ai.streamText', 'main/ai.streamText#0', undefined],
      ['op_start', 'ai.step', 'main/ai.streamText#0/ai.step#0', undefined],
      ['op_start', 'ai.languageModelCall', M, undefined],
      ['llm_usage', 'ai.languageModelCall', M, undefined],
      ['op_end', 'ai.languageModelCall', M, 'cancelled'],
      ['op_end', 'ai.step', 'main/ai.streamText#0/ai.step#0', 'ok'],
      ['op_end', 'ai.streamText', 'main/ai.streamText#0', 'ok'],
    ]);
    expect(pipeline.metrics().internalErrors).toBe(0);
  });
});
