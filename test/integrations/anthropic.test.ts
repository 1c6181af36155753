/**
 * traceAnthropic against the real client (@anthropic-ai/sdk 1) talking to the fixture server: the
 * exact events of messages.create (streamed or not) and messages.stream, and a traced client that
 * behaves as the untraced one in everything else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { traceAnthropic } from '../../integrations/anthropic/index.js';
import { traceOpenAI } from '../../integrations/openai/index.js';
import { setDefaultPipeline } from '../../src/pipeline/default-pipeline.js';
import { op } from '../../src/recording/op.js';
import { tracer } from '../helpers.js';
import { ANTHROPIC_VERSION, anthropicClient, fixture, plain, sequence } from './llm-clients.js';
import { startFixtureServer, type FixtureServer } from './llm-fixture-server.js';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(() => server.close());

const CREATE = 'anthropic.messages.create';
const STREAM = 'anthropic.messages.stream';
const price = { cost_usd: expect.any(Number), cost_source: 'price_table' };
const request = { model: 'claude-sonnet-4-5', max_tokens: 1024, temperature: 0.5, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Capital of Portugal?' }] };

describe(`traceAnthropic, ${ANTHROPIC_VERSION}`, () => {
  const traced = () => traceAnthropic(anthropicClient(server.url));
  const bare = () => anthropicClient(server.url);

  it('create, not streamed: the request as inputs; usage with every input token (input + cache creation + cache read) and the cache counts; the content as outputs', async () => {
    const { pipeline, events } = tracer();
    const message = await pipeline.run(() => traced().messages.create(request, fixture('anthropic/message')));
    expect(message.content).toEqual([{ type: 'text', text: 'Lisbon is the capital of Portugal.' }]);
    expect(sequence(await events())).toEqual([
      [`op_start ${CREATE} main/${CREATE}#0`, { inputs: request }],
      [
        `llm_usage ${CREATE} main/${CREATE}#0`,
        {
          model: 'claude-sonnet-4-5-20250929',
          provider: 'anthropic',
          request_model: 'claude-sonnet-4-5',
          response_model: 'claude-sonnet-4-5-20250929',
          prompt_tokens: 3869, // 21 + 1800 + 2048
          completion_tokens: 14,
          total_tokens: 3883,
          cache_read_tokens: 2048,
          cache_write_tokens: 1800,
          ...price,
        },
      ],
      [
        `op_end ${CREATE} main/${CREATE}#0`,
        { status: 'ok', yield_count: 0, outputs: { id: 'msg_01XFDUDYJgAACzvnptvVoYEL', model: 'claude-sonnet-4-5-20250929', stop_reason: 'end_turn', content: [{ type: 'text', text: 'Lisbon is the capital of Portugal.' }] } },
      ],
    ]);
    await pipeline.shutdown();
  });

  it('create, not streamed, thinking and a tool use: thinking tokens as reasoning tokens, every block as outputs', async () => {
    const { pipeline, events } = tracer();
    const body = { model: 'claude-opus-4-1', max_tokens: 2048, thinking: { type: 'enabled' as const, budget_tokens: 1024 }, tools: [{ name: 'get_weather', input_schema: { type: 'object' as const } }], messages: request.messages };
    await pipeline.run(() => traced().messages.create(body, fixture('anthropic/message-thinking')));
    const [start, usage, end] = sequence(await events());
    expect(start![1]).toEqual({ inputs: body });
    expect(usage![1]).toEqual({
      model: 'claude-opus-4-1-20250805',
      provider: 'anthropic',
      request_model: 'claude-opus-4-1',
      response_model: 'claude-opus-4-1-20250805',
      prompt_tokens: 412,
      completion_tokens: 187,
      total_tokens: 599,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 132,
      ...price,
    });
    expect((end![1].outputs as any).stop_reason).toBe('tool_use');
    expect((end![1].outputs as any).content.map((block: any) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect((end![1].outputs as any).content[2]).toEqual({ type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Lisbon' } });
    await pipeline.shutdown();
  });

  it('create, streamed: usage from message_start with message_delta’s cumulative counts over it (replaced, not added); the message rebuilt', async () => {
    const { pipeline, events } = tracer();
    const types: string[] = [];
    await pipeline.run(async () => {
      const stream = await traced().messages.create({ ...request, stream: true }, fixture('anthropic/message-stream-tools'));
      for await (const event of stream) types.push(event.type);
    });
    expect(types).toHaveLength(16);
    expect(sequence(await events())).toEqual([
      [`op_start ${CREATE} main/${CREATE}#0`, { inputs: { ...request, stream: true } }],
      [
        `llm_usage ${CREATE} main/${CREATE}#0`,
        {
          model: 'claude-opus-4-1-20250805',
          provider: 'anthropic',
          request_model: 'claude-sonnet-4-5',
          response_model: 'claude-opus-4-1-20250805',
          prompt_tokens: 3602, // message_delta's 530 + 2048 + 1024, not message_start's 412 + 2048 + 0 added to them
          completion_tokens: 189,
          total_tokens: 3791,
          cache_read_tokens: 1024,
          cache_write_tokens: 2048,
          reasoning_tokens: 131,
          ...price,
        },
      ],
      [
        `op_end ${CREATE} main/${CREATE}#0`,
        {
          status: 'ok',
          yield_count: 0,
          outputs: {
            id: 'msg_01Tk3Lm5Np7Qr9St1Uv3Wx5Y',
            model: 'claude-opus-4-1-20250805',
            stop_reason: 'tool_use',
            content: [
              { type: 'thinking', thinking: 'The user wants the weather; I should call the tool.', signature: '<redacted>' },
              { type: 'text', text: 'Let me check.' },
              { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: { city: 'Lisbon' } },
            ],
          },
        },
      ],
    ]);
    await pipeline.shutdown();
  });

  it('messages.stream: an op of its own name; its events, on("text") and finalMessage() as untraced', async () => {
    const { pipeline, events } = tracer();
    const read = async (client: Anthropic) => {
      const stream = client.messages.stream(request, fixture('anthropic/message-stream'));
      const seen: string[] = [];
      let text = '';
      stream.on('streamEvent', (event) => seen.push(event.type));
      stream.on('text', (delta) => (text += delta));
      const final = await stream.finalMessage();
      return { seen, text, final: plain(final), finalText: await stream.finalText() };
    };
    const want = await read(bare());
    const got = await pipeline.run(() => read(traced()));
    expect(got).toEqual(want);
    expect(got.text).toBe('Lisbon is sunny today.');
    expect(sequence(await events())).toEqual([
      [`op_start ${STREAM} main/${STREAM}#0`, { inputs: { ...request, stream: true } }],
      [
        `llm_usage ${STREAM} main/${STREAM}#0`,
        {
          model: 'claude-sonnet-4-5-20250929',
          provider: 'anthropic',
          request_model: 'claude-sonnet-4-5',
          response_model: 'claude-sonnet-4-5-20250929',
          prompt_tokens: 1561,
          completion_tokens: 12,
          total_tokens: 1573,
          cache_read_tokens: 1536,
          cache_write_tokens: 0,
          ...price,
        },
      ],
      [
        `op_end ${STREAM} main/${STREAM}#0`,
        { status: 'ok', yield_count: 0, outputs: { id: 'msg_01Q8pN2Rw4Yt6Uv8Xz0Bc2De', model: 'claude-sonnet-4-5-20250929', stop_reason: 'end_turn', content: [{ type: 'text', text: 'Lisbon is sunny today.' }] } },
      ],
    ]);
    await pipeline.shutdown();
  });

  it('every fixture: the traced call returns what the untraced one does (fields, request id, every event)', async () => {
    const { pipeline } = tracer();
    const client = traced();
    const plainClient = bare();
    const calls: Array<[string, (c: Anthropic) => Promise<unknown>]> = [
      ['message', (c) => c.messages.create(request, fixture('anthropic/message'))],
      ['message-thinking', (c) => c.messages.create(request, fixture('anthropic/message-thinking'))],
      ['message-secret-model', (c) => c.messages.create(request, fixture('anthropic/message-secret-model'))],
      ['message-stream', (c) => c.messages.create({ ...request, stream: true }, fixture('anthropic/message-stream'))],
      ['message-stream-tools', (c) => c.messages.create({ ...request, stream: true }, fixture('anthropic/message-stream-tools'))],
      ['message-stream-cut', (c) => c.messages.create({ ...request, stream: true }, fixture('anthropic/message-stream-cut'))],
    ];
    const read = async (result: any) => {
      if (typeof result?.[Symbol.asyncIterator] !== 'function') return { value: plain(result), requestId: result._request_id, keys: Object.keys(result) };
      const items: unknown[] = [];
      for await (const item of result) items.push(item);
      return { value: plain(items), className: result.constructor.name, controller: result.controller instanceof AbortController };
    };
    for (const [name, call] of calls) {
      const want = await read(await call(plainClient));
      const got = await pipeline.run(async () => read(await call(client)));
      expect(got, name).toEqual(want);
    }
    await pipeline.shutdown();
  });

  it('the APIPromise stays the client’s: withResponse() with its request id; asResponse() alone ends the op with the status', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const untraced = bare().messages.create(request, fixture('anthropic/message'));
    await pipeline.run(async () => {
      const promise = client.messages.create(request, fixture('anthropic/message'));
      expect(promise.constructor).toBe(untraced.constructor);
      expect(Object.keys(promise)).toEqual(Object.keys(untraced));
      await untraced;
      const { data, response, request_id } = await promise.withResponse();
      expect(request_id).toBe('req_anthropic_message');
      expect(response.status).toBe(200);
      expect(data.id).toBe('msg_01XFDUDYJgAACzvnptvVoYEL');
      const raw = await client.messages.create(request, fixture('anthropic/message')).asResponse();
      expect(await raw.json()).toMatchObject({ id: 'msg_01XFDUDYJgAACzvnptvVoYEL' });
    });
    expect(sequence(await events()).map(([at, payload]) => [at, payload.outputs ?? payload.prompt_tokens ?? 'start'])).toEqual([
      [`op_start ${CREATE} main/${CREATE}#0`, 'start'],
      [`llm_usage ${CREATE} main/${CREATE}#0`, 3869],
      [`op_end ${CREATE} main/${CREATE}#0`, expect.objectContaining({ stop_reason: 'end_turn' })],
      [`op_start ${CREATE} main/${CREATE}#1`, 'start'],
      [`op_end ${CREATE} main/${CREATE}#1`, { http_status: 200 }],
    ]);
    await pipeline.shutdown();
  });

  it('the same client object, class and own keys; traced twice records once; withOptions() clients are traced; messages.parse recorded through create', async () => {
    const { pipeline, events } = tracer();
    const client = anthropicClient(server.url);
    const keys = Object.keys(client);
    const resourceKeys = Object.keys(client.messages);
    expect(traceAnthropic(client)).toBe(client);
    expect(traceAnthropic(client)).toBe(client);
    expect(client).toBeInstanceOf(Anthropic);
    expect(Object.keys(client)).toEqual(keys);
    expect(Object.keys(client.messages)).toEqual(resourceKeys);
    const derived = client.withOptions({ timeout: 5000 });
    expect(() => traceAnthropic(anthropicClient(server.url), { captureInput: false } as any)).toThrow(new TypeError('traceAnthropic: invalid options: (options): Unrecognized key: "captureInput"'));
    const handedToOpenAIFirst = traceOpenAI(anthropicClient(server.url)); // nothing of it to trace: unchanged
    traceAnthropic(handedToOpenAIFirst);
    await pipeline.run(async () => {
      await handedToOpenAIFirst.messages.create(request, fixture('anthropic/message'));
      await client.messages.create(request, fixture('anthropic/message'));
      await derived.messages.create(request, fixture('anthropic/message'));
      await client.messages.parse(request, fixture('anthropic/message'));
    });
    expect((await events()).filter((e) => e.kind === 'op_start').map((e) => e.ctx.join('/'))).toEqual([`main/${CREATE}#0`, `main/${CREATE}#1`, `main/${CREATE}#2`, `main/${CREATE}#3`]);
    await pipeline.shutdown();
  });

  it('nests under the caller’s op; outside any request it is a request of the default pipeline', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const agent = op('agent', async () => (await client.messages.stream(request, fixture('anthropic/message-stream')).finalMessage()).id);
    expect(await pipeline.run(() => agent())).toBe('msg_01Q8pN2Rw4Yt6Uv8Xz0Bc2De');
    expect((await events()).map((e) => `${e.kind} ${e.ctx.join('/')}`)).toEqual([
      'op_start main/agent#0',
      `op_start main/agent#0/${STREAM}#0`,
      `llm_usage main/agent#0/${STREAM}#0`,
      `op_end main/agent#0/${STREAM}#0`,
      'op_end main/agent#0',
    ]);
    await pipeline.shutdown();

    const outside = tracer();
    setDefaultPipeline(outside.pipeline);
    try {
      await traced().messages.create(request, fixture('anthropic/message'));
      const all = await outside.stream();
      expect(all.map((e) => `${e.kind} ${e.ctx.join('/')}`)).toEqual([`op_start main/${CREATE}#0`, `llm_usage main/${CREATE}#0`, `op_end main/${CREATE}#0`, 'annotation ']);
    } finally {
      setDefaultPipeline(undefined);
      await outside.pipeline.shutdown();
    }
  });
});
