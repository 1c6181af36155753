/**
 * Issue 17 §1: the Vercel AI SDK (`ai` 7) through its own `Telemetry` interface, against the
 * real package and its `MockLanguageModelV4`: exact event sequences of a plain call, a two-step
 * tool loop, a stream, a provider error, an abort, generateObject and embed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { embed, embedMany, generateObject, generateText, isStepCount, jsonSchema, registerTelemetry, streamText } from 'ai';
import { convertArrayToReadableStream, MockEmbeddingModelV4, MockLanguageModelV4 } from 'ai/test';
import { op } from '../../src/recording/op.js';
import { getDefaultPipeline, setDefaultPipeline } from '../../src/pipeline/default-pipeline.js';
import { installRunnerLookup } from '../../src/recording/outside-request.js';
import { isRequestEnd } from '../../src/wire/request-end.js';
import { optrailTelemetry } from '../../integrations/ai-sdk/index.js';
import { tracer } from '../helpers.js';
import { sequence, streamModel, textModel, textStreamParts, toolLoopModel, usagePayload, USAGE, weatherTool } from './ai-sdk-mocks.js';

const G = 'main/agent#0/ai.generateText#0';

afterEach(() => {
  globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [];
  setDefaultPipeline(undefined);
});

describe('optrail/ai-sdk: exact event sequences', () => {
  it('plain text: the operation under the caller op, one step, one model call with its usage', async () => {
    const { pipeline, events } = tracer();
    const telemetry = optrailTelemetry();
    const agent = op('agent', async () =>
      generateText({ model: textModel('Hello'), prompt: 'Say hello', temperature: 0.2, telemetry: { integrations: [telemetry], functionId: 'greet' } }),
    );
    const result = await pipeline.run(() => agent());
    expect(result.text).toBe('Hello');
    const got = sequence(await events());
    expect(got.filter((e) => e[1] !== 'agent')).toEqual([
      ['op_start', 'ai.generateText', G, { function_id: 'greet', provider: 'mock.chat', model: 'mock-model', messages: [{ role: 'user', content: 'Say hello' }], temperature: 0.2, max_retries: 2 }],
      ['op_start', 'ai.step', `${G}/ai.step#0`, { step: 0 }],
      ['op_start', 'ai.languageModelCall', `${G}/ai.step#0/ai.languageModelCall#0`, { provider: 'mock.chat', model: 'mock-model', messages: [{ role: 'user', content: 'Say hello' }], temperature: 0.2 }],
      ['llm_usage', 'ai.languageModelCall', `${G}/ai.step#0/ai.languageModelCall#0`, usagePayload('mock-model-2025', 'mock', 'mock-model')],
      ['op_end', 'ai.languageModelCall', `${G}/ai.step#0/ai.languageModelCall#0`, { status: 'ok', outputs: { finish_reason: 'stop', text: 'Hello', response_id: 'resp-0' } }],
      ['op_end', 'ai.step', `${G}/ai.step#0`, { status: 'ok', outputs: { finish_reason: 'stop' } }],
      ['op_end', 'ai.generateText', G, { status: 'ok', outputs: { text: 'Hello', finish_reason: 'stop', steps: 1 } }],
    ]);
    expect(got[0]!.slice(0, 3)).toEqual(['op_start', 'agent', 'main/agent#0']);
    expect(got.at(-1)!.slice(0, 3)).toEqual(['op_end', 'agent', 'main/agent#0']);
    expect(pipeline.metrics().internalErrors).toBe(0);
  });

  it("two-step tool loop: the tool's own op() calls nest under its tool op", async () => {
    const { pipeline, events } = tracer();
    const lookup = op('lookup', async (city: string) => ({ temp: 20, city }));
    const agent = op('agent', async () =>
      generateText({
        model: toolLoopModel(),
        prompt: 'Weather in Lisbon?',
        tools: { weather: weatherTool(({ city }) => lookup(city)) },
        stopWhen: isStepCount(2),
        telemetry: { integrations: [optrailTelemetry()] },
      }),
    );
    expect((await pipeline.run(() => agent())).text).toBe('Sunny');
    const got = sequence(await events());
    const user = { role: 'user', content: 'Weather in Lisbon?' };
    const toolCall = { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: { city: 'Lisbon' } };
    const toolResult = { type: 'tool-result', toolCallId: 'call-1', toolName: 'weather', output: { type: 'json', value: { temp: 20, city: 'Lisbon' } } };
    expect(got).toEqual([
      ['op_start', 'agent', 'main/agent#0', {}],
      ['op_start', 'ai.generateText', G, { provider: 'mock.chat', model: 'mock-model', messages: [user], tools: ['weather'], max_retries: 2 }],
      ['op_start', 'ai.step', `${G}/ai.step#0`, { step: 0 }],
      ['op_start', 'ai.languageModelCall', `${G}/ai.step#0/ai.languageModelCall#0`, { provider: 'mock.chat', model: 'mock-model', messages: [user], tools: ['weather'] }],
      ['llm_usage', 'ai.languageModelCall', `${G}/ai.step#0/ai.languageModelCall#0`, usagePayload('mock-model-2025', 'mock', 'mock-model')],
      ['op_end', 'ai.languageModelCall', `${G}/ai.step#0/ai.languageModelCall#0`, { status: 'ok', outputs: { finish_reason: 'tool-calls', tool_calls: [{ tool_call_id: 'call-1', tool_name: 'weather', input: { city: 'Lisbon' } }], response_id: 'resp-0' } }],
      ['op_start', 'ai.tool.weather', `${G}/ai.step#0/ai.tool.weather#0`, { tool_call_id: 'call-1', input: { city: 'Lisbon' } }],
      ['op_start', 'lookup', `${G}/ai.step#0/ai.tool.weather#0/lookup#0`, { args: ['Lisbon'] }],
      ['op_end', 'lookup', `${G}/ai.step#0/ai.tool.weather#0/lookup#0`, { status: 'ok', outputs: { temp: 20, city: 'Lisbon' } }],
      ['op_end', 'ai.tool.weather', `${G}/ai.step#0/ai.tool.weather#0`, { status: 'ok', outputs: { temp: 20, city: 'Lisbon' } }],
      ['op_end', 'ai.step', `${G}/ai.step#0`, { status: 'ok', outputs: { finish_reason: 'tool-calls' } }],
      ['op_start', 'ai.step', `${G}/ai.step#1`, { step: 1 }],
      ['op_start', 'ai.languageModelCall', `${G}/ai.step#1/ai.languageModelCall#0`, { provider: 'mock.chat', model: 'mock-model', messages: [user, { role: 'assistant', content: [toolCall] }, { role: 'tool', content: [toolResult] }], tools: ['weather'] }],
      ['llm_usage', 'ai.languageModelCall', `${G}/ai.step#1/ai.languageModelCall#0`, usagePayload('mock-model-2025', 'mock', 'mock-model')],
      ['op_end', 'ai.languageModelCall', `${G}/ai.step#1/ai.languageModelCall#0`, { status: 'ok', outputs: { finish_reason: 'stop', text: 'Sunny', response_id: 'resp-1' } }],
      ['op_end', 'ai.step', `${G}/ai.step#1`, { status: 'ok', outputs: { finish_reason: 'stop' } }],
      ['op_end', 'ai.generateText', G, { status: 'ok', outputs: { text: 'Sunny', finish_reason: 'stop', steps: 2 } }],
      ['op_end', 'agent', 'main/agent#0', expect.objectContaining({ status: 'ok' })],
    ]);
  });

  it('streaming: the whole text in the model call and the operation, time to first output, the op under the op that called streamText', async () => {
    const { pipeline, events } = tracer();
    const chat = op('chat', async () => {
      const result = streamText({ model: streamModel(['Hel', 'lo, ', 'world']), prompt: 'hi', telemetry: { integrations: [optrailTelemetry()] } });
      const chunks: string[] = [];
      for await (const chunk of result.textStream) chunks.push(chunk);
      return chunks.join('');
    });
    expect(await pipeline.run(() => chat())).toBe('Hello, world');
    const all = await events();
    const got = sequence(all);
    const S = 'main/chat#0/ai.streamText#0';
    expect(got).toEqual([
      ['op_start', 'chat', 'main/chat#0', {}],
      ['op_start', 'ai.streamText', S, { provider: 'mock.chat', model: 'mock-model', messages: [{ role: 'user', content: 'hi' }], max_retries: 2 }],
      ['op_start', 'ai.step', `${S}/ai.step#0`, { step: 0 }],
      ['op_start', 'ai.languageModelCall', `${S}/ai.step#0/ai.languageModelCall#0`, { provider: 'mock.chat', model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }],
      ['llm_usage', 'ai.languageModelCall', `${S}/ai.step#0/ai.languageModelCall#0`, usagePayload('mock-model-2025', 'mock', 'mock-model')],
      ['op_end', 'ai.languageModelCall', `${S}/ai.step#0/ai.languageModelCall#0`, { status: 'ok', outputs: { finish_reason: 'stop', text: 'Hello, world', response_id: 'resp-s', time_to_first_output_ms: expect.any(Number) } }],
      ['op_end', 'ai.step', `${S}/ai.step#0`, { status: 'ok', outputs: { finish_reason: 'stop' } }],
      ['op_end', 'ai.streamText', S, { status: 'ok', outputs: { text: 'Hello, world', finish_reason: 'stop', steps: 1 } }],
      ['op_end', 'chat', 'main/chat#0', { status: 'ok', outputs: { value: 'Hello, world' } }],
    ]);
  });

  it('a streamed two-step tool loop: the same tree, the ops ending after the caller op that returned the stream', async () => {
    const { pipeline, events } = tracer();
    let n = 0;
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        stream: convertArrayToReadableStream(
          n++ === 0
            ? [
                { type: 'stream-start', warnings: [] },
                { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Lisbon"}' },
                { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: USAGE },
              ]
            : textStreamParts(['Sun', 'ny']),
        ),
      }),
    });
    const lookup = op('lookup', async (city: string) => ({ temp: 20, city }));
    const chat = op('chat', async () =>
      streamText({ model, prompt: 'x', tools: { weather: weatherTool(({ city }) => lookup(city)) }, stopWhen: isStepCount(2), telemetry: { integrations: [optrailTelemetry()] } }),
    );
    const result = await pipeline.run(() => chat());
    expect(await result.text).toBe('Sunny');
    const S = 'main/chat#0/ai.streamText#0';
    expect(sequence(await events()).map(([kind, name, ctx]) => `${kind} ${name} ${ctx}`)).toEqual([
      'op_start chat main/chat#0',
      `op_start ai.streamText ${S}`,
      'op_end chat main/chat#0',
      `op_start ai.step ${S}/ai.step#0`,
      `op_start ai.languageModelCall ${S}/ai.step#0/ai.languageModelCall#0`,
      `llm_usage ai.languageModelCall ${S}/ai.step#0/ai.languageModelCall#0`,
      `op_end ai.languageModelCall ${S}/ai.step#0/ai.languageModelCall#0`,
      `op_start ai.tool.weather ${S}/ai.step#0/ai.tool.weather#0`,
      `op_start lookup ${S}/ai.step#0/ai.tool.weather#0/lookup#0`,
      `op_end lookup ${S}/ai.step#0/ai.tool.weather#0/lookup#0`,
      `op_end ai.tool.weather ${S}/ai.step#0/ai.tool.weather#0`,
      `op_end ai.step ${S}/ai.step#0`,
      `op_start ai.step ${S}/ai.step#1`,
      `op_start ai.languageModelCall ${S}/ai.step#1/ai.languageModelCall#0`,
      `llm_usage ai.languageModelCall ${S}/ai.step#1/ai.languageModelCall#0`,
      `op_end ai.languageModelCall ${S}/ai.step#1/ai.languageModelCall#0`,
      `op_end ai.step ${S}/ai.step#1`,
      `op_end ai.streamText ${S}`,
    ]);
  });

  it('a provider error: the model call, the step and the operation end error with it; the caller gets the same error', async () => {
    const { pipeline, events } = tracer();
    const failure = new Error('provider down');
    const model = new MockLanguageModelV4({
      doGenerate: async () => {
        throw failure;
      },
    });
    const agent = op('agent', async () => generateText({ model, prompt: 'x', maxRetries: 0, telemetry: { integrations: [optrailTelemetry()] } }));
    await expect(pipeline.run(() => agent())).rejects.toBe(failure);
    const error = { error: 'Error: provider down', outputs: {}, status: 'error' };
    expect(sequence(await events()).filter((e) => e[0] === 'op_end')).toEqual([
      ['op_end', 'ai.languageModelCall', `${G}/ai.step#0/ai.languageModelCall#0`, error],
      ['op_end', 'ai.step', `${G}/ai.step#0`, error],
      ['op_end', 'ai.generateText', G, error],
      ['op_end', 'agent', 'main/agent#0', error],
    ]);
  });

  it('an abort mid-stream: every open op ends cancelled, the model call with its usage unknown, the text read so far reaches the caller', async () => {
    const { pipeline, events } = tracer();
    const controller = new AbortController();
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        // the first parts of an answer, then nothing: only the abort ends it
        stream: new ReadableStream({
          start(c) {
            for (const part of textStreamParts(['Hel']).slice(0, 4)) c.enqueue(part);
          },
        }),
      }),
    });
    const chat = op('chat', async () => {
      const result = streamText({ model, prompt: 'x', abortSignal: controller.signal, telemetry: { integrations: [optrailTelemetry()] } });
      const chunks: string[] = [];
      for await (const chunk of result.textStream) {
        chunks.push(chunk);
        controller.abort();
      }
      return chunks.join('');
    });
    expect(await pipeline.run(() => chat())).toBe('Hel');
    const S = 'main/chat#0/ai.streamText#0';
    expect(sequence(await events()).filter((e) => e[1] !== 'chat')).toEqual([
      ['op_start', 'ai.streamText', S, expect.any(Object)],
      ['op_start', 'ai.step', `${S}/ai.step#0`, { step: 0 }],
      ['op_start', 'ai.languageModelCall', `${S}/ai.step#0/ai.languageModelCall#0`, expect.any(Object)],
      // its finish part never came: what it cost is not known, not $0 (and not absent, as if the request's totals were complete)
      [
        'llm_usage',
        'ai.languageModelCall',
        `${S}/ai.step#0/ai.languageModelCall#0`,
        { model: 'mock-model-id', prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost_usd: 0, provider: 'mock-provider', request_model: 'mock-model-id', cost_unknown: true },
      ],
      ['op_end', 'ai.languageModelCall', `${S}/ai.step#0/ai.languageModelCall#0`, { status: 'cancelled', outputs: {} }],
      ['op_end', 'ai.step', `${S}/ai.step#0`, { status: 'cancelled', outputs: {} }],
      ['op_end', 'ai.streamText', S, { status: 'cancelled', outputs: {} }],
    ]);
  });

  it('an abort of generateText while the model answers: cancelled, not error', async () => {
    const { pipeline, events } = tracer();
    const controller = new AbortController();
    const model = new MockLanguageModelV4({
      doGenerate: async ({ abortSignal }) => {
        controller.abort();
        abortSignal!.throwIfAborted();
        throw new Error('unreachable');
      },
    });
    const agent = op('agent', async () => generateText({ model, prompt: 'x', abortSignal: controller.signal, telemetry: { integrations: [optrailTelemetry()] } }));
    await expect(pipeline.run(() => agent())).rejects.toMatchObject({ name: 'AbortError' });
    expect(sequence(await events()).filter((e) => e[0] === 'op_end').map((e) => [e[1], (e[3] as { status: string }).status])).toEqual([
      ['ai.languageModelCall', 'cancelled'],
      ['ai.step', 'cancelled'],
      ['ai.generateText', 'cancelled'],
      ['agent', 'cancelled'],
    ]);
  });

  it('generateObject: one model call with its usage and the object as the output', async () => {
    const { pipeline, events } = tracer();
    const model = new MockLanguageModelV4({
      doGenerate: async () => ({ content: [{ type: 'text', text: '{"city":"Lisbon"}' }], finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE, warnings: [] }),
    });
    const schema = jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } });
    const result = await pipeline.run(() => generateObject({ model, schema, prompt: 'city?', telemetry: { integrations: [optrailTelemetry()] } }));
    expect(result.object).toEqual({ city: 'Lisbon' });
    const O = 'main/ai.generateObject#0';
    expect(sequence(await events())).toEqual([
      ['op_start', 'ai.generateObject', O, { provider: 'mock-provider', model: 'mock-model-id', prompt: 'city?', max_retries: 2, output: 'object', schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      ['op_start', 'ai.languageModelCall', `${O}/ai.languageModelCall#0`, { provider: 'mock-provider', model: 'mock-model-id' }],
      ['llm_usage', 'ai.languageModelCall', `${O}/ai.languageModelCall#0`, usagePayload('mock-model-id', 'mock-provider')],
      ['op_end', 'ai.languageModelCall', `${O}/ai.languageModelCall#0`, { status: 'ok', outputs: { finish_reason: 'stop', text: '{"city":"Lisbon"}', response_id: expect.any(String) } }],
      ['op_end', 'ai.generateObject', O, { status: 'ok', outputs: { object: { city: 'Lisbon' }, finish_reason: 'stop' } }],
    ]);
  });

  it('embed and embedMany: one embedding-model call each chunk, its tokens as the usage, no vectors recorded', async () => {
    const { pipeline, events } = tracer();
    const model = new MockEmbeddingModelV4({
      provider: 'mock.embedding',
      modelId: 'mock-embed',
      maxEmbeddingsPerCall: 2,
      doEmbed: async ({ values }) => ({ embeddings: values.map(() => [0.1, 0.2, 0.3]), usage: { tokens: values.length * 4 }, warnings: [] }),
    });
    await pipeline.run(async () => {
      await embed({ model, value: 'one', telemetry: { integrations: [optrailTelemetry()] } });
      await embedMany({ model, values: ['a', 'b', 'c'], maxParallelCalls: 1, telemetry: { integrations: [optrailTelemetry()] } });
    });
    const embedUsage = (tokens: number) => ({ model: 'mock-embed', prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens, cost_usd: 0, provider: 'mock', cost_unknown: true });
    const E = 'main/ai.embed#0';
    const M = 'main/ai.embedMany#0';
    expect(sequence(await events())).toEqual([
      ['op_start', 'ai.embed', E, { provider: 'mock.embedding', model: 'mock-embed', max_retries: 2, value: 'one' }],
      ['op_start', 'ai.embeddingModelCall', `${E}/ai.embeddingModelCall#0`, { provider: 'mock.embedding', model: 'mock-embed', values: ['one'] }],
      ['llm_usage', 'ai.embeddingModelCall', `${E}/ai.embeddingModelCall#0`, embedUsage(4)],
      ['op_end', 'ai.embeddingModelCall', `${E}/ai.embeddingModelCall#0`, { status: 'ok', outputs: { embeddings: 1 } }],
      ['op_end', 'ai.embed', E, { status: 'ok', outputs: { dimensions: 3 } }],
      // embedMany's start event names its values `value`, as embed's does
      ['op_start', 'ai.embedMany', M, { provider: 'mock.embedding', model: 'mock-embed', max_retries: 2, value: ['a', 'b', 'c'] }],
      ['op_start', 'ai.embeddingModelCall', `${M}/ai.embeddingModelCall#0`, { provider: 'mock.embedding', model: 'mock-embed', values: ['a', 'b'] }],
      ['llm_usage', 'ai.embeddingModelCall', `${M}/ai.embeddingModelCall#0`, embedUsage(8)],
      ['op_end', 'ai.embeddingModelCall', `${M}/ai.embeddingModelCall#0`, { status: 'ok', outputs: { embeddings: 2 } }],
      ['op_start', 'ai.embeddingModelCall', `${M}/ai.embeddingModelCall#1`, { provider: 'mock.embedding', model: 'mock-embed', values: ['c'] }],
      ['llm_usage', 'ai.embeddingModelCall', `${M}/ai.embeddingModelCall#1`, embedUsage(4)],
      ['op_end', 'ai.embeddingModelCall', `${M}/ai.embeddingModelCall#1`, { status: 'ok', outputs: { embeddings: 1 } }],
      ['op_end', 'ai.embedMany', M, { status: 'ok', outputs: { embeddings: 3, dimensions: 3 } }],
    ]);
  });

  it('registered once with registerTelemetry: every call is recorded, and a known model is priced', async () => {
    const { pipeline, events } = tracer();
    registerTelemetry(optrailTelemetry());
    await pipeline.run(() => generateText({ model: textModel('Hi', 'gpt-4o-mini'), prompt: 'x' }));
    const usage = (await events()).filter((e) => e.kind === 'llm_usage');
    expect(usage.map((e) => e.payload)).toEqual([
      expect.objectContaining({ model: 'gpt-4o-mini-2025', request_model: 'gpt-4o-mini', provider: 'mock', prompt_tokens: 10 }),
    ]);
  });

  it('outside any request: each call is a request of the default pipeline, ended when the call ends', async () => {
    const { pipeline, stream } = tracer();
    installRunnerLookup(getDefaultPipeline);
    setDefaultPipeline(pipeline);
    const telemetry = optrailTelemetry();
    await generateText({ model: textModel('one'), prompt: 'a', telemetry: { integrations: [telemetry] } });
    const streamed = streamText({ model: streamModel(['two']), prompt: 'b', telemetry: { integrations: [telemetry] } });
    expect(await streamed.text).toBe('two');
    const all = await stream();
    const requests = [...new Set(all.map((e) => e.request_id))];
    expect(requests).toHaveLength(2);
    for (const [id, root] of [[requests[0], 'ai.generateText'], [requests[1], 'ai.streamText']] as const) {
      const events = all.filter((e) => e.request_id === id);
      expect(events[0]).toMatchObject({ kind: 'op_start', op_name: root, ctx: ['main', `${root}#0`] });
      expect(events.at(-2)).toMatchObject({ kind: 'op_end', op_name: root, payload: { status: 'ok' } });
      expect(isRequestEnd(events.at(-1)!)).toBe(true);
    }
  });

  it('telemetry: { isEnabled: false } records nothing, and the program runs as without optrail', async () => {
    const { pipeline, events } = tracer();
    const result = await pipeline.run(() => generateText({ model: textModel('Hi'), prompt: 'x', telemetry: { isEnabled: false, integrations: [optrailTelemetry()] } }));
    expect(result.text).toBe('Hi');
    expect(await events()).toEqual([]);
  });

  it("recordInputs / recordOutputs: false: what the SDK withholds is not recorded, the usage still is", async () => {
    const { pipeline, events } = tracer();
    await pipeline.run(() =>
      generateText({
        model: toolLoopModel(),
        prompt: 'private question',
        tools: { weather: weatherTool(async () => ({ secretForecast: 'private answer' })) },
        stopWhen: isStepCount(2),
        telemetry: { integrations: [optrailTelemetry()], recordInputs: false, recordOutputs: false },
      }),
    );
    const all = await events();
    const text = JSON.stringify(all);
    expect(text).not.toContain('private');
    expect(text).not.toContain('Sunny');
    expect(all.filter((e) => e.kind === 'llm_usage')).toHaveLength(2);
    expect(sequence(all).filter((e) => e[1] === 'ai.tool.weather').map((e) => e[3])).toEqual([{ tool_call_id: 'call-1' }, { status: 'ok', outputs: {} }]);
  });
});
