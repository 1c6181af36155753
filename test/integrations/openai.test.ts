/**
 * traceOpenAI against the real client (openai 7 and 6) talking to the fixture server: the exact
 * events of each API, and a traced client that behaves as the untraced one in everything else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceOpenAI } from '../../integrations/openai/index.js';
import { setDefaultPipeline } from '../../src/pipeline/default-pipeline.js';
import { op } from '../../src/recording/op.js';
import { tracer } from '../helpers.js';
import { fixture, OPENAI_VERSIONS, openaiClient, plain, sequence } from './llm-clients.js';
import { startFixtureServer, type FixtureServer } from './llm-fixture-server.js';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(() => server.close());

const CHAT = 'openai.chat.completions.create';
const price = { cost_usd: expect.any(Number), cost_source: 'price_table' };

describe.each(OPENAI_VERSIONS)('traceOpenAI, $version', ({ OpenAI }) => {
  const traced = (options?: Parameters<typeof traceOpenAI>[1]) => traceOpenAI(openaiClient(OpenAI, server.url), options);
  const bare = () => openaiClient(OpenAI, server.url);

  it('chat, not streamed: op_start with the request, llm_usage with cached and reasoning tokens, op_end with the message', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const completion = await pipeline.run(() =>
      client.chat.completions.create(
        { model: 'o3-mini', temperature: 1, max_completion_tokens: 800, response_format: { type: 'text' }, messages: [{ role: 'user', content: 'Is 221 prime?' }] },
        fixture('openai/chat-reasoning'),
      ),
    );
    expect(completion.choices[0]!.message.content).toBe('Yes: 221 is prime.');
    expect(sequence(await events())).toEqual([
      [`op_start ${CHAT} main/${CHAT}#0`, { inputs: { model: 'o3-mini', temperature: 1, max_completion_tokens: 800, response_format: { type: 'text' }, messages: [{ role: 'user', content: 'Is 221 prime?' }] } }],
      [
        `llm_usage ${CHAT} main/${CHAT}#0`,
        { model: 'o3-mini-2025-01-31', provider: 'openai', request_model: 'o3-mini', response_model: 'o3-mini-2025-01-31', prompt_tokens: 2056, completion_tokens: 602, total_tokens: 2658, cache_read_tokens: 1920, reasoning_tokens: 576, ...price },
      ],
      [
        `op_end ${CHAT} main/${CHAT}#0`,
        {
          status: 'ok',
          yield_count: 0,
          outputs: { id: 'chatcmpl-BxRAq4Nd8Yt2Ws6Kp1Ge9Hx3Vb7Uf0', model: 'o3-mini-2025-01-31', finish_reason: 'stop', message: { role: 'assistant', content: 'Yes: 221 is prime.', refusal: null, annotations: [] } },
        },
      ],
    ]);
    await pipeline.shutdown();
  });

  it('chat, not streamed, a tool call: the message with its tool calls as outputs', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    await pipeline.run(() => client.chat.completions.create({ model: 'gpt-4o-mini', tools, tool_choice: 'auto', messages: [{ role: 'user', content: 'Weather in Lisbon?' }] }, fixture('openai/chat-tools')));
    const [start, usage, end] = sequence(await events());
    expect(start![1]).toEqual({ inputs: { model: 'gpt-4o-mini', tools, tool_choice: 'auto', messages: [{ role: 'user', content: 'Weather in Lisbon?' }] } });
    expect(usage![1]).toMatchObject({ prompt_tokens: 82, completion_tokens: 19, total_tokens: 101, cache_read_tokens: 0 });
    expect(end![1].outputs).toEqual({
      id: 'chatcmpl-BxR9a7HkP0sVn3Qe8Wd2Tz5Ly1Mc6',
      model: 'gpt-4o-mini-2024-07-18',
      finish_reason: 'tool_calls',
      message: { role: 'assistant', content: null, refusal: null, annotations: [], tool_calls: [{ id: 'call_Wm3kX9aQe2LrT7vB1nYc5pDz', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lisbon","unit":"celsius"}' } }] },
    });
    await pipeline.shutdown();
  });

  it('chat, streamed: asks for the usage, keeps its chunk from the caller, ends with the whole text and that usage', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const seen: unknown[] = [];
    await pipeline.run(async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Capital of Portugal?' }] }, fixture('openai/chat-stream'));
      for await (const chunk of stream) seen.push(chunk);
    });
    expect(server.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
    expect(seen).toHaveLength(9); // 8 deltas and the finish chunk: not the usage chunk
    expect(seen.every((chunk) => !Object.prototype.hasOwnProperty.call(chunk, 'usage'))).toBe(true);
    expect(sequence(await events())).toEqual([
      [`op_start ${CHAT} main/${CHAT}#0`, { inputs: { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Capital of Portugal?' }] } }],
      [
        `llm_usage ${CHAT} main/${CHAT}#0`,
        { model: 'gpt-4o-mini-2024-07-18', provider: 'openai', request_model: 'gpt-4o-mini', response_model: 'gpt-4o-mini-2024-07-18', prompt_tokens: 24, completion_tokens: 9, total_tokens: 33, cache_read_tokens: 0, reasoning_tokens: 0, ...price },
      ],
      [
        `op_end ${CHAT} main/${CHAT}#0`,
        { status: 'ok', yield_count: 0, outputs: { id: 'chatcmpl-BxRCd3Fg6Hj9Kl2Zx5Cv8Bn1Mq4We7', model: 'gpt-4o-mini-2024-07-18', finish_reason: 'stop', message: { role: 'assistant', content: 'Lisbon is the capital of Portugal.' } } },
      ],
    ]);
    await pipeline.shutdown();
  });

  it('chat, streamed tool calls: their deltas assembled, in index order', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    await pipeline.run(async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Weather?' }] }, fixture('openai/chat-stream-tools'));
      for await (const _ of stream);
    });
    const [, usage, end] = sequence(await events());
    expect(usage![1]).toMatchObject({ prompt_tokens: 96, completion_tokens: 41 });
    expect(end![1].outputs).toEqual({
      id: 'chatcmpl-BxRDe5Gh8Jk1Lz3Xc6Vb9Nm2Qw4Er7',
      model: 'gpt-4o-mini-2024-07-18',
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_Pq7rS2tU4vW6xY8zA1bC3dE5', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lisbon"}' } },
          { id: 'call_Fg9hI1jK3lM5nO7pQ9rS1tU3', type: 'function', function: { name: 'search_docs', arguments: '{"query":"Lisbon"}' } },
        ],
      },
    });
    await pipeline.shutdown();
  });

  it('chat, streamed, the caller asked for the usage itself: its chunk reaches the caller and the request is sent as asked', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const seen: any[] = [];
    await pipeline.run(async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [] }, fixture('openai/chat-stream'));
      for await (const chunk of stream) seen.push(chunk);
    });
    expect(seen).toHaveLength(10);
    expect(seen.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 24, completion_tokens: 9 } });
    expect(seen[0].usage).toBeNull();
    expect((await events()).find((e) => e.kind === 'llm_usage')!.payload).toMatchObject({ prompt_tokens: 24, completion_tokens: 9 });
    await pipeline.shutdown();
  });

  it('includeUsage: false sends the request as the caller wrote it; the op says the usage is missing', async () => {
    const { pipeline, events } = tracer();
    const client = traced({ includeUsage: false });
    await pipeline.run(async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream'));
      for await (const _ of stream);
    });
    expect(server.requests.at(-1)!.body.stream_options).toBeUndefined();
    expect(sequence(await events()).map(([at, payload]) => [at, payload.key ?? payload.status])).toEqual([
      [`op_start ${CHAT} main/${CHAT}#0`, undefined],
      [`llm_usage ${CHAT} main/${CHAT}#0`, undefined], // cost unknown: the call was made
      [`annotation ${CHAT} main/${CHAT}#0`, 'usage_missing'],
      [`op_end ${CHAT} main/${CHAT}#0`, 'ok'],
    ]);
    await pipeline.shutdown();
  });

  it('responses, not streamed: status, text and output items (reasoning, function call, message), usage with cached and reasoning tokens', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const response = await pipeline.run(() => client.responses.create({ model: 'gpt-5-mini', input: 'Weather in Lisbon?', max_output_tokens: 256 }, fixture('openai/responses')));
    expect(response.output_text).toBe('Checking the weather in Lisbon.');
    const name = 'openai.responses.create';
    const recorded = sequence(await events());
    expect(recorded.map(([at]) => at)).toEqual([`op_start ${name} main/${name}#0`, `llm_usage ${name} main/${name}#0`, `op_end ${name} main/${name}#0`]);
    expect(recorded[0]![1]).toEqual({ inputs: { model: 'gpt-5-mini', input: 'Weather in Lisbon?', max_output_tokens: 256 } });
    expect(recorded[1]![1]).toEqual({
      model: 'gpt-5-mini-2025-08-07',
      provider: 'openai',
      request_model: 'gpt-5-mini',
      response_model: 'gpt-5-mini-2025-08-07',
      prompt_tokens: 312,
      completion_tokens: 148,
      total_tokens: 460,
      cache_read_tokens: 256,
      reasoning_tokens: 128,
      ...price,
    });
    const outputs = recorded[2]![1].outputs as Record<string, any>;
    expect(outputs).toMatchObject({ id: 'resp_68a1f0c1b3d5f7a9c1e3f5a7b9d1f3a5', model: 'gpt-5-mini-2025-08-07', status: 'completed', output_text: 'Checking the weather in Lisbon.' });
    expect(outputs.output.map((item: any) => item.type)).toEqual(['reasoning', 'function_call', 'message']);
    expect(outputs.output[1]).toMatchObject({ name: 'get_weather', arguments: '{"city":"Lisbon"}', call_id: 'call_Hj2kL4mN6oP8qR0sT2uV4wX6' });
    await pipeline.shutdown();
  });

  it('responses, streamed: the usage and outputs of response.completed', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const types: string[] = [];
    await pipeline.run(async () => {
      const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Weather?', stream: true }, fixture('openai/responses-stream'));
      for await (const event of stream) types.push(event.type);
    });
    expect(types).toHaveLength(13);
    const name = 'openai.responses.create';
    const recorded = sequence(await events());
    expect(recorded.map(([at]) => at)).toEqual([`op_start ${name} main/${name}#0`, `llm_usage ${name} main/${name}#0`, `op_end ${name} main/${name}#0`]);
    expect(recorded[1]![1]).toMatchObject({ model: 'gpt-4.1-mini-2025-04-14', prompt_tokens: 37, completion_tokens: 6, total_tokens: 43, cache_read_tokens: 0, reasoning_tokens: 0 });
    expect(recorded[2]![1].outputs).toMatchObject({ id: 'resp_68a1f0d1c3e5a7b9d1f3a5c7e9b1d3f5', status: 'completed', output_text: 'Lisbon is sunny today.' });
    await pipeline.shutdown();
  });

  it('embeddings: count and dimensions as outputs, prompt tokens as usage; the vectors the caller gets are the untraced ones', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const result = await pipeline.run(() => client.embeddings.create({ model: 'text-embedding-3-small', input: ['Lisbon', 'Porto'] }, fixture('openai/embeddings')));
    const untraced = await bare().embeddings.create({ model: 'text-embedding-3-small', input: ['Lisbon', 'Porto'] }, fixture('openai/embeddings'));
    expect(plain(result)).toEqual(plain(untraced));
    expect(server.requests.at(-1)!.body.encoding_format).toBe('base64'); // what the client asks for by itself
    const name = 'openai.embeddings.create';
    expect(sequence(await events())).toEqual([
      [`op_start ${name} main/${name}#0`, { inputs: { model: 'text-embedding-3-small', input: ['Lisbon', 'Porto'] } }],
      [
        `llm_usage ${name} main/${name}#0`,
        { model: 'text-embedding-3-small', provider: 'openai', request_model: 'text-embedding-3-small', response_model: 'text-embedding-3-small', prompt_tokens: 8, completion_tokens: 0, total_tokens: 8, ...price },
      ],
      [`op_end ${name} main/${name}#0`, { status: 'ok', yield_count: 0, outputs: { model: 'text-embedding-3-small', embeddings: 2, dimensions: 8 } }],
    ]);
    await pipeline.shutdown();
  });

  it('every fixture: the traced call returns what the untraced one does (fields, request id, every chunk)', async () => {
    const { pipeline } = tracer();
    const client = traced();
    const plainClient = bare();
    const calls: Array<[string, (c: typeof client) => Promise<unknown>]> = [
      ['chat', (c) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, fixture('openai/chat'))],
      ['chat-tools', (c) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, fixture('openai/chat-tools'))],
      ['chat-reasoning', (c) => c.chat.completions.create({ model: 'o3-mini', messages: [] }, fixture('openai/chat-reasoning'))],
      ['chat-secret-model', (c) => c.chat.completions.create({ model: 'x', messages: [] }, fixture('openai/chat-secret-model'))],
      ['chat-stream', (c) => c.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream'))],
      ['chat-stream-tools', (c) => c.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream-tools'))],
      ['chat-stream-nousage', (c) => c.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream-nousage'))],
      ['responses', (c) => c.responses.create({ model: 'gpt-5-mini', input: 'x' }, fixture('openai/responses'))],
      ['responses-stream', (c) => c.responses.create({ model: 'gpt-4.1-mini', input: 'x', stream: true }, fixture('openai/responses-stream'))],
      ['embeddings', (c) => c.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }, fixture('openai/embeddings'))],
      ['embeddings-float', (c) => c.embeddings.create({ model: 'text-embedding-3-small', input: 'x', encoding_format: 'float' }, fixture('openai/embeddings'))],
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

  it('the APIPromise stays the client’s: its class, withResponse() and its request id; asResponse() alone ends the op with the status', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const body = { model: 'gpt-4o-mini', messages: [] };
    const untraced = bare().chat.completions.create(body, fixture('openai/chat'));
    await pipeline.run(async () => {
      const promise = client.chat.completions.create(body, fixture('openai/chat'));
      expect(promise.constructor).toBe(untraced.constructor);
      expect(Object.keys(promise)).toEqual(Object.keys(untraced));
      await untraced;
      const { data, response, request_id } = await promise.withResponse();
      expect(request_id).toBe('req_openai_chat');
      expect(response.status).toBe(200);
      expect((data as any)._request_id).toBe('req_openai_chat');
      const raw = await client.chat.completions.create(body, fixture('openai/chat')).asResponse();
      expect(await raw.json()).toMatchObject({ id: 'chatcmpl-BxR8n2cQk1Zq7yF0aTqv3LrWm9Jd4' });
    });
    expect(sequence(await events()).map(([at, payload]) => [at, payload.outputs ?? payload.prompt_tokens ?? payload.inputs])).toEqual([
      [`op_start ${CHAT} main/${CHAT}#0`, body],
      [`llm_usage ${CHAT} main/${CHAT}#0`, 1117],
      [`op_end ${CHAT} main/${CHAT}#0`, expect.objectContaining({ finish_reason: 'stop' })],
      [`op_start ${CHAT} main/${CHAT}#1`, body],
      [`op_end ${CHAT} main/${CHAT}#1`, { http_status: 200 }],
    ]);
    await pipeline.shutdown();
  });

  it('the same client object, of the same class, with the same own keys; traced twice records each call once; withOptions() clients are traced', async () => {
    const { pipeline, events } = tracer();
    const client = openaiClient(OpenAI, server.url);
    const keys = Object.keys(client);
    const resourceKeys = Object.keys(client.chat.completions);
    expect(traceOpenAI(client)).toBe(client);
    expect(traceOpenAI(client)).toBe(client);
    expect(client).toBeInstanceOf(OpenAI);
    expect(Object.keys(client)).toEqual(keys);
    expect(Object.keys(client.chat.completions)).toEqual(resourceKeys);
    const derived = client.withOptions({ timeout: 5000 });
    expect(derived).toBeInstanceOf(OpenAI);
    const fresh = openaiClient(OpenAI, server.url);
    expect(() => traceOpenAI(fresh, { includeUsage: 'yes', inclideUsage: true } as any)).toThrow(
      new TypeError('traceOpenAI: invalid options: includeUsage: Invalid input: expected boolean, received string; (options): Unrecognized key: "inclideUsage"'),
    );
    expect(Object.getOwnPropertyDescriptor(fresh.chat.completions, 'create')).toBeUndefined(); // nothing changed
    await pipeline.run(async () => {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, fixture('openai/chat'));
      await derived.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, fixture('openai/chat'));
    });
    expect((await events()).filter((e) => e.kind === 'op_start').map((e) => e.ctx.join('/'))).toEqual([`main/${CHAT}#0`, `main/${CHAT}#1`]);
    await pipeline.shutdown();
  });

  it('the SDK’s helpers are recorded through create: chat.completions.stream (its events and final completion as before)', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    let text = '';
    const final = await pipeline.run(async () => {
      const runner = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [] }, fixture('openai/chat-stream'));
      runner.on('content', (delta) => (text += delta));
      return runner.finalChatCompletion();
    });
    expect(text).toBe('Lisbon is the capital of Portugal.');
    expect(final.choices[0]!.message.content).toBe('Lisbon is the capital of Portugal.');
    expect(final.usage).toBeUndefined(); // as untraced: the helper did not ask for it
    const recorded = await events();
    expect(recorded.map((e) => `${e.kind} ${e.op_name}`)).toEqual([`op_start ${CHAT}`, `llm_usage ${CHAT}`, `op_end ${CHAT}`]);
    await pipeline.shutdown();
  });

  it('the SDK’s helpers are recorded through create: chat.completions.parse (through _thenUnwrap), responses.stream', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const { parsed, final } = await pipeline.run(async () => {
      const parsedCompletion = await client.chat.completions.parse({ model: 'gpt-4o-mini', messages: [] }, fixture('openai/chat'));
      const stream = client.responses.stream({ model: 'gpt-4.1-mini', input: 'Weather?' }, fixture('openai/responses-stream'));
      return { parsed: parsedCompletion, final: await stream.finalResponse() };
    });
    expect(parsed.choices[0]!.message.content).toBe('Lisbon is the capital of Portugal.');
    expect(final.output_text).toBe('Lisbon is sunny today.');
    expect(sequence(await events()).map(([at, payload]) => [at, payload.status ?? payload.prompt_tokens ?? 'start'])).toEqual([
      [`op_start ${CHAT} main/${CHAT}#0`, 'start'],
      [`llm_usage ${CHAT} main/${CHAT}#0`, 1117],
      [`op_end ${CHAT} main/${CHAT}#0`, 'ok'],
      ['op_start openai.responses.create main/openai.responses.create#0', 'start'],
      ['llm_usage openai.responses.create main/openai.responses.create#0', 37],
      ['op_end openai.responses.create main/openai.responses.create#0', 'ok'],
    ]);
    await pipeline.shutdown();
  });

  it('nests under the caller’s op; outside any request it is a request of the default pipeline', async () => {
    const { pipeline, events, stream } = tracer();
    const client = traced();
    const agent = op('agent', async () => await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, fixture('openai/chat')));
    await pipeline.run(() => agent());
    expect((await events()).map((e) => `${e.kind} ${e.ctx.join('/')}`)).toEqual([
      'op_start main/agent#0',
      `op_start main/agent#0/${CHAT}#0`,
      `llm_usage main/agent#0/${CHAT}#0`,
      `op_end main/agent#0/${CHAT}#0`,
      'op_end main/agent#0',
    ]);
    await pipeline.shutdown();

    const outside = tracer();
    setDefaultPipeline(outside.pipeline);
    try {
      const completion = await traced().chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, fixture('openai/chat'));
      expect(completion.id).toBe('chatcmpl-BxR8n2cQk1Zq7yF0aTqv3LrWm9Jd4');
      const all = await outside.stream();
      expect(all.map((e) => `${e.kind} ${e.ctx.join('/')}`)).toEqual([`op_start main/${CHAT}#0`, `llm_usage main/${CHAT}#0`, `op_end main/${CHAT}#0`, 'annotation ']);
      expect(new Set(all.map((e) => e.request_id)).size).toBe(1);
    } finally {
      setDefaultPipeline(undefined);
      await outside.pipeline.shutdown();
    }
    void stream;
  });
});
