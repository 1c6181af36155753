/**
 * traceOpenAI when things go wrong: the caller's own code throwing in its stream loop, aborts,
 * server errors, a refused connection, a stream without usage, secrets in what the server says,
 * promises nobody awaits, odd request bodies. Each time the caller sees exactly what the
 * untraced client gives it, and the op says what happened.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceOpenAI } from '../../integrations/openai/index.js';
import { getDefaultPipeline, setDefaultPipeline } from '../../src/pipeline/default-pipeline.js';
import { installRunnerLookup } from '../../src/recording/outside-request.js';
import { tracer } from '../helpers.js';
import { fixture, OPENAI_VERSIONS, openaiClient, plain, sequence } from './llm-clients.js';
import { refusedUrl, startFixtureServer, type FixtureServer } from './llm-fixture-server.js';

const run = promisify(execFile);
const CHAT = 'openai.chat.completions.create';
const AT = `main/${CHAT}#0`;

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(() => server.close());

/** What a caller can tell of an SDK error: its class, status, message, headers, request id, body. */
function errorShape(error: any) {
  return {
    class: error?.constructor,
    name: error?.name,
    status: error?.status,
    message: error?.message,
    requestID: error?.requestID,
    headers: error?.headers ? [...error.headers.entries()].filter(([name]: [string]) => name !== 'date') : error?.headers,
    error: error?.error,
    code: error?.code,
    type: error?.type,
    cause: error?.cause?.constructor,
  };
}

/** The error a call rejects with, through the caller's own `await`. */
async function rejectionOf(call: () => PromiseLike<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe.each(OPENAI_VERSIONS)('traceOpenAI when things go wrong, $version', ({ version, OpenAI }) => {
  const traced = () => traceOpenAI(openaiClient(OpenAI, server.url));
  const bare = () => openaiClient(OpenAI, server.url);
  const kind = version.startsWith('openai 6') ? 'openai6' : 'openai';

  it('the caller’s own code throws inside its stream loop: its error reaches it, the request is aborted, the op ends cancelled with what was received', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const mine = new RangeError('my own bug');
    const thrown = await pipeline.run(() =>
      rejectionOf(async () => {
        const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream'));
        let n = 0;
        for await (const _ of stream) if (++n === 3) throw mine;
      }),
    );
    expect(thrown).toBe(mine);
    expect(sequence(await events())).toEqual([
      [`op_start ${CHAT} ${AT}`, { inputs: { model: 'gpt-4o-mini', stream: true, messages: [] } }],
      [`llm_usage ${CHAT} ${AT}`, { model: 'gpt-4o-mini', prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost_usd: 0, provider: 'openai', cost_unknown: true }], // the call was made: its cost is unknown, not $0
      [`annotation ${CHAT} ${AT}`, { key: 'usage_missing', value: 'the stream carried no usage chunk' }],
      [
        `annotation ${CHAT} ${AT}`,
        { key: 'received', value: { id: 'chatcmpl-BxRCd3Fg6Hj9Kl2Zx5Cv8Bn1Mq4We7', model: 'gpt-4o-mini-2024-07-18', finish_reason: null, message: { role: 'assistant', content: 'Lisbon is' } } },
      ],
      [`op_end ${CHAT} ${AT}`, { outputs: {}, status: 'cancelled', yield_count: 0 }],
    ]);
    await pipeline.shutdown();
  });

  it.each(['controller', 'signal'] as const)('the request is aborted mid-stream (%s): the stream ends as untraced, the op ends cancelled with what was received', async (how) => {
    const { pipeline, events } = tracer();
    const client = traced();
    const paused = server.paused;
    const ac = new AbortController();
    const seen = await pipeline.run(async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream-pause', how === 'signal' ? { signal: ac.signal } : {}));
      const reader = stream[Symbol.asyncIterator]();
      const got = [await reader.next(), await reader.next(), await reader.next()].map((step) => (step.value as any).choices[0].delta.content);
      await server.pausedAt(paused + 1); // the server holds the rest: the next read waits
      const pending = reader.next();
      if (how === 'controller') stream.controller.abort();
      else ac.abort();
      const last = await pending.then(
        (step) => ({ done: step.done }),
        (error: unknown) => ({ error: (error as Error).constructor.name }),
      );
      return { got, last };
    });
    expect(seen.got).toEqual(['', 'Lisbon', ' is']);
    expect(seen.last).toEqual({ done: true }); // what the untraced client does: the stream ends quietly
    const recorded = sequence(await events());
    expect(recorded.map(([at, payload]) => [at, payload.key ?? payload.status ?? 'start'])).toEqual([
      [`op_start ${CHAT} ${AT}`, 'start'],
      [`llm_usage ${CHAT} ${AT}`, 'start'],
      [`annotation ${CHAT} ${AT}`, 'usage_missing'],
      [`annotation ${CHAT} ${AT}`, 'received'],
      [`op_end ${CHAT} ${AT}`, 'cancelled'],
    ]);
    expect(recorded[1]![1]).toMatchObject({ cost_unknown: true, prompt_tokens: 0 });
    expect((recorded[3]![1].value as any).message.content).toBe('Lisbon is');
    await pipeline.shutdown();
  });

  it.each(['openai/error-500', 'openai/error-429'])('%s: the caller gets the error the untraced client gives (class, status, headers, request id); the op ends error with them', async (name) => {
    const { pipeline, events } = tracer();
    const want = await rejectionOf(() => bare().chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, fixture(name)));
    const got = await pipeline.run(() => rejectionOf(() => traced().chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, fixture(name))));
    expect(got).toBeInstanceOf(OpenAI.APIError);
    expect(errorShape(got)).toEqual(errorShape(want));
    const status = name.endsWith('500') ? 500 : 429;
    const recorded = sequence(await events());
    expect(recorded.map(([at]) => at)).toEqual([`op_start ${CHAT} ${AT}`, `annotation ${CHAT} ${AT}`, `op_end ${CHAT} ${AT}`]);
    expect(recorded[1]![1]).toEqual({ key: 'request_id', value: (want as any).requestID });
    expect(recorded[2]![1]).toMatchObject({ status: 'error', outputs: {}, error: { status, message: (want as Error).message } });
    await pipeline.shutdown();
  });

  it('a 429 the client retries: one op, ending with the retry’s answer', async () => {
    const { pipeline, events } = tracer();
    const client = traceOpenAI(openaiClient(OpenAI, server.url, { maxRetries: 1 }));
    const completion = await pipeline.run(() => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, fixture('openai/error-429,openai/chat')));
    expect(completion.choices[0]!.message.content).toBe('Lisbon is the capital of Portugal.');
    expect(server.requests.slice(-2).map((r) => r.fixture)).toEqual(['openai/error-429', 'openai/chat']);
    expect(sequence(await events()).map(([at, payload]) => [at, payload.status ?? payload.prompt_tokens ?? 'start'])).toEqual([
      [`op_start ${CHAT} ${AT}`, 'start'],
      [`llm_usage ${CHAT} ${AT}`, 1117],
      [`op_end ${CHAT} ${AT}`, 'ok'],
    ]);
    await pipeline.shutdown();
  });

  it('a refused connection: the same APIConnectionError as untraced; the op ends error', async () => {
    const { pipeline, events } = tracer();
    const url = await refusedUrl();
    const want = await rejectionOf(() => openaiClient(OpenAI, url).chat.completions.create({ model: 'gpt-4o-mini', messages: [] }));
    const got = await pipeline.run(() => rejectionOf(() => traceOpenAI(openaiClient(OpenAI, url)).chat.completions.create({ model: 'gpt-4o-mini', messages: [] })));
    expect(got).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(errorShape(got)).toEqual(errorShape(want));
    expect(sequence(await events()).map(([at, payload]) => [at, payload.status ?? 'start'])).toEqual([
      [`op_start ${CHAT} ${AT}`, 'start'],
      [`op_end ${CHAT} ${AT}`, 'error'],
    ]);
    await pipeline.shutdown();
  });

  it('an error event inside the stream: the caller’s loop throws what the untraced one throws; the op ends error with what was received', async () => {
    const { pipeline, events } = tracer();
    const read = async (client: ReturnType<typeof bare>) =>
      rejectionOf(async () => {
        for await (const _ of await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream-error')));
      });
    const want = await read(bare());
    const got = await pipeline.run(() => read(traced()));
    expect(errorShape(got)).toEqual(errorShape(want));
    const recorded = sequence(await events());
    expect(recorded.map(([at, payload]) => [at, payload.key ?? payload.status ?? 'start'])).toEqual([
      [`op_start ${CHAT} ${AT}`, 'start'],
      [`llm_usage ${CHAT} ${AT}`, 'start'],
      [`annotation ${CHAT} ${AT}`, 'usage_missing'],
      [`annotation ${CHAT} ${AT}`, 'received'],
      [`op_end ${CHAT} ${AT}`, 'error'],
    ]);
    expect(recorded[1]![1]).toMatchObject({ cost_unknown: true, prompt_tokens: 0 });
    expect((recorded[3]![1].value as any).message.content).toBe('Lisbon is');
    await pipeline.shutdown();
  });

  it('a Responses stream ending in response.failed: the caller reads it as untraced; the op ends error with the response’s error', async () => {
    const { pipeline, events } = tracer();
    const read = async (client: ReturnType<typeof bare>) => {
      const types: string[] = [];
      for await (const event of await client.responses.create({ model: 'gpt-4.1-mini', input: 'x', stream: true }, fixture('openai/responses-stream-failed'))) types.push(event.type);
      return types;
    };
    const want = await read(bare());
    expect(await pipeline.run(() => read(traced()))).toEqual(want);
    expect(want.at(-1)).toBe('response.failed');
    const name = 'openai.responses.create';
    const recorded = sequence(await events());
    expect(recorded.map(([where, payload]) => [where, payload.key ?? payload.status ?? 'start'])).toEqual([
      [`op_start ${name} main/${name}#0`, 'start'],
      [`llm_usage ${name} main/${name}#0`, 'start'],
      [`annotation ${name} main/${name}#0`, 'usage_missing'],
      [`annotation ${name} main/${name}#0`, 'received'],
      [`op_end ${name} main/${name}#0`, 'error'],
    ]);
    expect(recorded[4]![1].error).toEqual({ type: 'ResponseFailed', message: 'The model failed to generate a response.', code: 'server_error' });
    await pipeline.shutdown();
  });

  it('a stream that ends without usage (a server ignoring include_usage): a usage of unknown cost, the op says why, ends ok with the whole text', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    await pipeline.run(async () => {
      for await (const _ of await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream-nousage')));
    });
    expect(server.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
    const recorded = sequence(await events());
    expect(recorded.map(([at]) => at)).toEqual([`op_start ${CHAT} ${AT}`, `llm_usage ${CHAT} ${AT}`, `annotation ${CHAT} ${AT}`, `op_end ${CHAT} ${AT}`]);
    expect(recorded[1]![1]).toEqual({ model: 'gpt-4o-mini', prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost_usd: 0, provider: 'openai', cost_unknown: true });
    expect(recorded[2]![1]).toEqual({ key: 'usage_missing', value: 'the stream carried no usage chunk' });
    expect(recorded[3]![1]).toMatchObject({ status: 'ok', outputs: { message: { content: 'Lisbon is the capital of Portugal.' } } });
    await pipeline.shutdown();
  });

  it('a secret-looking token in the response’s model, and one in the caller’s message: neither is in any event', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    const mine = 'sk-proj-Qw3eR5tY7uI9oP1aS3dF5gH7jK9lZ1xC3vB5nM7q';
    const completion = await pipeline.run(() => client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: `my key is ${mine}` }] }, fixture('openai/chat-secret-model')));
    expect(completion.model).toBe('proxy/sk-proj-Xa9fK2mQw8LrT5vB7nYc3pDzE1hGj4sU6oIl0'); // the caller's copy is untouched
    const text = JSON.stringify(await events());
    expect(text).not.toContain('Xa9fK2mQw8LrT5vB7nYc3pDzE1hGj4sU6oIl0');
    expect(text).not.toContain(mine.slice(8));
    expect((await events()).map((e) => e.kind)).toEqual(['op_start', 'llm_usage', 'op_end']);
    await pipeline.shutdown();
  });

  it('tee(): both branches get every chunk, as untraced; one op, ended once', async () => {
    const { pipeline, events } = tracer();
    const read = async (stream: AsyncIterable<unknown>) => {
      const items: unknown[] = [];
      for await (const item of stream) items.push(item);
      return plain(items);
    };
    const both = async (client: ReturnType<typeof bare>) => {
      const [left, right] = (await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream'))).tee();
      return Promise.all([read(left), read(right)]);
    };
    const want = await both(bare());
    const got = await pipeline.run(() => both(traced()));
    expect(got).toEqual(want);
    expect(want[0]).toEqual(want[1]);
    expect((await events()).map((e) => `${e.kind} ${(e.payload as any).status ?? ''}`)).toEqual(['op_start ', 'llm_usage ', 'op_end ok']);
    await pipeline.shutdown();
  });

  it('two streams read at once: each op gets its own chunks', async () => {
    const { pipeline, events } = tracer();
    const client = traced();
    await pipeline.run(async () => {
      const [a, b] = await Promise.all([
        client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream')),
        client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream-tools')),
      ]);
      const ia = a[Symbol.asyncIterator]();
      const ib = b[Symbol.asyncIterator]();
      for (let done = 0; done < 2; ) {
        done = ((await ia.next()).done ? 1 : 0) + ((await ib.next()).done ? 1 : 0);
      }
    });
    const ends = (await events()).filter((e) => e.kind === 'op_end').map((e) => [e.ctx.join('/'), (e.payload as any).outputs.finish_reason]);
    expect(ends.sort()).toEqual([
      [`main/${CHAT}#0`, 'stop'],
      [`main/${CHAT}#1`, 'tool_calls'],
    ]);
    await pipeline.shutdown();
  });

  it('odd request bodies: a getter that throws, a Proxy, `__proto__` as a key — the client does with them what it does untraced', async () => {
    const { pipeline, events } = tracer();
    const throwing = { model: 'gpt-4o-mini', messages: [], get stream(): boolean { throw new TypeError('getter says no'); } };
    const syncOrAsync = async (f: () => unknown) => {
      try {
        return { value: plain(await f()) };
      } catch (error) {
        return { error: errorShape(error) };
      }
    };
    expect(await pipeline.run(() => syncOrAsync(() => traced().chat.completions.create(throwing as any, fixture('openai/chat'))))).toEqual(
      await syncOrAsync(() => bare().chat.completions.create(throwing as any, fixture('openai/chat'))),
    );
    // Streamed, so the traced call sends a copy of the body with include_usage.
    const proto = JSON.parse('{"model":"gpt-4o-mini","messages":[],"stream":true,"__proto__":{"polluted":1}}');
    const proxy = new Proxy({ model: 'gpt-4o-mini', messages: [], stream: true }, { ownKeys: (t) => Reflect.ownKeys(t), get: (t, k) => Reflect.get(t, k) });
    const readAll = async (stream: unknown) => {
      for await (const _ of stream as AsyncIterable<unknown>);
    };
    for (const body of [proto, proxy] as any[]) {
      const before = server.requests.length;
      await readAll(await bare().chat.completions.create(body, fixture('openai/chat-stream')));
      const untracedBody = server.requests[before]!.body;
      await pipeline.run(async () => readAll(await traced().chat.completions.create(body, fixture('openai/chat-stream'))));
      const tracedBody = server.requests[before + 1]!.body;
      expect(tracedBody.stream_options).toEqual({ include_usage: true });
      const { stream_options: _added, ...rest } = tracedBody;
      expect(rest).toEqual(untracedBody);
      expect(JSON.stringify(Object.keys(rest))).toBe(JSON.stringify(Object.keys(untracedBody)));
    }
    expect(({} as any).polluted).toBeUndefined();
    expect((await events()).filter((e) => e.kind === 'op_end').map((e) => (e.payload as any).status)).toEqual(['error', 'ok', 'ok']);
    await pipeline.shutdown();
  });

  it('nothing records it (no default pipeline, outside any request): the call goes to the client untouched', async () => {
    installRunnerLookup(() => undefined);
    try {
      const stream = await traced().chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [] }, fixture('openai/chat-stream'));
      for await (const _ of stream);
      expect(server.requests.at(-1)!.body.stream_options).toBeUndefined();
    } finally {
      installRunnerLookup(getDefaultPipeline);
    }
  });

  describe('promises nobody awaits (child processes)', () => {
    const child = join(import.meta.dirname, 'llm-unhandled-child.ts');
    const runChild = async (traced: string, crash?: 'crash') =>
      run(process.execPath, ['--import', 'tsx', child, kind, traced, server.url, await refusedUrl(), ...(crash ? [crash] : [])], { encoding: 'utf8' });

    it('unhandled rejections exactly as untraced, call by call; a failed call nobody awaited still ends its op error', async () => {
      const [untraced, tracedRun] = (await Promise.all([runChild('0'), runChild('1')])).map(({ stdout }) => JSON.parse(stdout.trim()));
      expect(untraced).toEqual({ unhandled: { unawaited: 1, refused: 1, 'asResponse-dropped': 1, late: 1 }, handled: 1, ops: {} });
      expect({ unhandled: tracedRun.unhandled, handled: tracedRun.handled }).toEqual({ unhandled: untraced.unhandled, handled: untraced.handled });
      const failed = ['start', 'error'];
      // A successful call nobody read stays open (counted in its request's end marker).
      expect(tracedRun.ops).toEqual({ unawaited: failed, refused: failed, 'unawaited-ok': ['start'], 'asResponse-dropped': failed, awaited: failed, late: failed, unwrapped: failed });
    });

    it('with no listener, a failed call nobody awaits crashes the process as untraced: exit code 1, the same error', async () => {
      const outcome = (traced: string) =>
        runChild(traced, 'crash').then(
          () => ({ code: 0, error: '' }),
          (failure: { code: number; stderr: string }) => ({ code: failure.code, error: failure.stderr.split('\n').find((line) => line.includes('Error:')) }),
        );
      const [untraced, tracedRun] = await Promise.all([outcome('0'), outcome('1')]);
      expect(untraced.code).toBe(1);
      expect(tracedRun).toEqual(untraced);
    });
  });
});
