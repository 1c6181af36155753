/**
 * traceAnthropic when things go wrong: the caller's own code throwing in its stream loop, aborts
 * (of the stream and of a MessageStream), server errors, a refused connection, a stream cut
 * before its final usage, an error event mid-stream, secrets in what the server says, promises
 * nobody awaits. Each time the caller sees exactly what the untraced client gives it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceAnthropic } from '../../integrations/anthropic/index.js';
import { tracer } from '../helpers.js';
import { ANTHROPIC_VERSION, anthropicClient, fixture, plain, sequence } from './llm-clients.js';
import { refusedUrl, startFixtureServer, type FixtureServer } from './llm-fixture-server.js';

const run = promisify(execFile);
const CREATE = 'anthropic.messages.create';
const STREAM = 'anthropic.messages.stream';
const request = { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Weather in Lisbon?' }] };

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(() => server.close());

function errorShape(error: any) {
  return {
    class: error?.constructor,
    name: error?.name,
    status: error?.status,
    message: error?.message,
    requestID: error?.requestID,
    headers: error?.headers ? [...error.headers.entries()].filter(([name]: [string]) => name !== 'date') : error?.headers,
    error: error?.error,
    type: error?.type,
    cause: error?.cause?.constructor,
  };
}

async function rejectionOf(call: () => PromiseLike<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** `kind op ctx` and the annotation key or end status of each event. */
const shape = (events: Parameters<typeof sequence>[0]) => sequence(events).map(([at, payload]) => [at, payload.key ?? payload.status ?? payload.prompt_tokens ?? 'start']);

describe(`traceAnthropic when things go wrong, ${ANTHROPIC_VERSION}`, () => {
  const traced = () => traceAnthropic(anthropicClient(server.url));
  const bare = () => anthropicClient(server.url);
  const at = (name: string) => `${name} main/${name}#0`;

  it('the caller’s own code throws inside its stream loop: its error reaches it, the op ends cancelled with what was received and the usage so far', async () => {
    const { pipeline, events } = tracer();
    const mine = new RangeError('my own bug');
    const thrown = await pipeline.run(() =>
      rejectionOf(async () => {
        let n = 0;
        for await (const _ of await traced().messages.create({ ...request, stream: true }, fixture('anthropic/message-stream'))) if (++n === 4) throw mine;
      }),
    );
    expect(thrown).toBe(mine);
    const recorded = sequence(await events());
    expect(recorded.map(([where, payload]) => [where, payload.key ?? payload.status ?? payload.prompt_tokens ?? 'start'])).toEqual([
      [`op_start ${at(CREATE)}`, 'start'],
      [`llm_usage ${at(CREATE)}`, 1561], // message_start's input side is known
      [`annotation ${at(CREATE)}`, 'usage_partial'],
      [`annotation ${at(CREATE)}`, 'received'],
      [`op_end ${at(CREATE)}`, 'cancelled'],
    ]);
    expect(recorded[1]![1].completion_tokens).toBe(1); // message_start's placeholder, said to be partial
    expect(recorded[3]![1].value).toEqual({ id: 'msg_01Q8pN2Rw4Yt6Uv8Xz0Bc2De', model: 'claude-sonnet-4-5-20250929', stop_reason: null, content: [{ type: 'text', text: 'Lisbon is' }] });
    await pipeline.shutdown();
  });

  it('the stream’s request aborted mid-stream: it ends quietly as untraced; the op ends cancelled', async () => {
    const { pipeline, events } = tracer();
    const paused = server.paused;
    const last = await pipeline.run(async () => {
      const stream = await traced().messages.create({ ...request, stream: true }, fixture('anthropic/message-stream-pause'));
      const reader = stream[Symbol.asyncIterator]();
      for (let i = 0; i < 4; i++) await reader.next(); // message_start, block start, two text deltas
      await server.pausedAt(paused + 1);
      const pending = reader.next();
      stream.controller.abort();
      return pending;
    });
    expect(last.done).toBe(true);
    expect(shape(await events())).toEqual([
      [`op_start ${at(CREATE)}`, 'start'],
      [`llm_usage ${at(CREATE)}`, 1561],
      [`annotation ${at(CREATE)}`, 'usage_partial'],
      [`annotation ${at(CREATE)}`, 'received'],
      [`op_end ${at(CREATE)}`, 'cancelled'],
    ]);
    await pipeline.shutdown();
  });

  it('a MessageStream aborted mid-stream: finalMessage() rejects as untraced (APIUserAbortError); the op ends cancelled', async () => {
    const { pipeline, events } = tracer();
    const abortMidway = async (client: Anthropic) => {
      const paused = server.paused;
      const stream = client.messages.stream(request, fixture('anthropic/message-stream-pause'));
      let text = '';
      stream.on('text', (delta) => (text += delta));
      const final = rejectionOf(() => stream.finalMessage());
      await server.pausedAt(paused + 1);
      await new Promise<void>((resolve) => (text === 'Lisbon is' ? resolve() : stream.on('text', () => text === 'Lisbon is' && resolve())));
      stream.abort();
      return { error: errorShape(await final), text, aborted: stream.aborted };
    };
    const want = await abortMidway(bare());
    const got = await pipeline.run(() => abortMidway(traced()));
    expect(got).toEqual(want);
    expect(want.error.class).toBe(Anthropic.APIUserAbortError);
    expect(shape(await events())).toEqual([
      [`op_start ${at(STREAM)}`, 'start'],
      [`llm_usage ${at(STREAM)}`, 1561],
      [`annotation ${at(STREAM)}`, 'usage_partial'],
      [`annotation ${at(STREAM)}`, 'received'],
      [`op_end ${at(STREAM)}`, 'cancelled'],
    ]);
    await pipeline.shutdown();
  });

  it.each(['anthropic/error-500', 'anthropic/error-429'])('%s: the caller gets the error the untraced client gives (class, status, headers, requestID); the op ends error', async (name) => {
    const { pipeline, events } = tracer();
    const want = await rejectionOf(() => bare().messages.create(request, fixture(name)));
    const got = await pipeline.run(() => rejectionOf(() => traced().messages.create(request, fixture(name))));
    expect(got).toBeInstanceOf(Anthropic.APIError);
    expect(errorShape(got)).toEqual(errorShape(want));
    const recorded = sequence(await events());
    expect(recorded.map(([where]) => where)).toEqual([`op_start ${at(CREATE)}`, `annotation ${at(CREATE)}`, `op_end ${at(CREATE)}`]);
    expect(recorded[1]![1]).toEqual({ key: 'request_id', value: (want as any).requestID });
    expect(recorded[2]![1]).toMatchObject({ status: 'error', error: { type: (want as Error).name, status: name.endsWith('500') ? 500 : 429, message: (want as Error).message } });
    await pipeline.shutdown();
  });

  it('a MessageStream whose request fails: its error event and finalMessage() as untraced; the stream op ends error', async () => {
    const { pipeline, events } = tracer();
    const fail = async (client: Anthropic) => {
      const stream = client.messages.stream(request, fixture('anthropic/error-429'));
      const errors: unknown[] = [];
      stream.on('error', (error) => errors.push(errorShape(error)));
      return { final: errorShape(await rejectionOf(() => stream.finalMessage())), errors };
    };
    const want = await fail(bare());
    expect(await pipeline.run(() => fail(traced()))).toEqual(want);
    expect(shape(await events())).toEqual([
      [`op_start ${at(STREAM)}`, 'start'],
      [`annotation ${at(STREAM)}`, 'request_id'],
      [`op_end ${at(STREAM)}`, 'error'],
    ]);
    await pipeline.shutdown();
  });

  it('a refused connection: the same APIConnectionError as untraced; the op ends error', async () => {
    const { pipeline, events } = tracer();
    const url = await refusedUrl();
    const want = await rejectionOf(() => anthropicClient(url).messages.create(request));
    const got = await pipeline.run(() => rejectionOf(() => traceAnthropic(anthropicClient(url)).messages.create(request)));
    expect(got).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(errorShape(got)).toEqual(errorShape(want));
    expect(shape(await events())).toEqual([
      [`op_start ${at(CREATE)}`, 'start'],
      [`op_end ${at(CREATE)}`, 'error'],
    ]);
    await pipeline.shutdown();
  });

  it('an overloaded_error event mid-stream: the caller’s loop throws what the untraced one throws; the op ends error with what was received', async () => {
    const { pipeline, events } = tracer();
    const read = (client: Anthropic) =>
      rejectionOf(async () => {
        for await (const _ of await client.messages.create({ ...request, stream: true }, fixture('anthropic/message-stream-error')));
      });
    const want = await read(bare());
    expect(errorShape(await pipeline.run(() => read(traced())))).toEqual(errorShape(want));
    const recorded = sequence(await events());
    expect(recorded.map(([where, payload]) => [where, payload.key ?? payload.status ?? payload.prompt_tokens ?? 'start'])).toEqual([
      [`op_start ${at(CREATE)}`, 'start'],
      [`llm_usage ${at(CREATE)}`, 1561],
      [`annotation ${at(CREATE)}`, 'usage_partial'],
      [`annotation ${at(CREATE)}`, 'received'],
      [`op_end ${at(CREATE)}`, 'error'],
    ]);
    expect(recorded[4]![1]).toMatchObject({ error: { type: 'APIError', message: expect.stringContaining('overloaded_error') } });
    await pipeline.shutdown();
  });

  it('a stream the server cut before message_delta: ends ok with the text; the usage is message_start’s, said to be partial', async () => {
    const { pipeline, events } = tracer();
    await pipeline.run(async () => {
      for await (const _ of await traced().messages.create({ ...request, stream: true }, fixture('anthropic/message-stream-cut')));
    });
    const recorded = sequence(await events());
    expect(recorded.map(([where, payload]) => [where, payload.key ?? payload.status ?? payload.prompt_tokens ?? 'start'])).toEqual([
      [`op_start ${at(CREATE)}`, 'start'],
      [`llm_usage ${at(CREATE)}`, 1561],
      [`annotation ${at(CREATE)}`, 'usage_partial'],
      [`op_end ${at(CREATE)}`, 'ok'],
    ]);
    expect(recorded[3]![1].outputs).toMatchObject({ stop_reason: null, content: [{ type: 'text', text: 'Lisbon is sunny today.' }] });
    await pipeline.shutdown();
  });

  it('a secret-looking token in the response’s model: not in any event; the caller’s copy untouched', async () => {
    const { pipeline, events } = tracer();
    const message = await pipeline.run(() => traced().messages.create(request, fixture('anthropic/message-secret-model')));
    expect(message.model).toContain('sk-ant-api03-');
    const text = JSON.stringify(await events());
    expect(text).not.toContain('Zx8Kq2Lm4Nn6Pp8Rr0Tt2Vv4Xx6Zz8Bb0Dd2Ff4Hh6Jj8Ll0Nn2Pp4Rr6Tt8Vv0XxAA');
    expect((await events()).map((e) => e.kind)).toEqual(['op_start', 'llm_usage', 'op_end']);
    await pipeline.shutdown();
  });

  it('tee() of a streamed create: both branches get every event, as untraced; one op', async () => {
    const { pipeline, events } = tracer();
    const both = async (client: Anthropic) => {
      const [left, right] = (await client.messages.create({ ...request, stream: true }, fixture('anthropic/message-stream'))).tee();
      const read = async (stream: AsyncIterable<unknown>) => {
        const items: unknown[] = [];
        for await (const item of stream) items.push(item);
        return plain(items);
      };
      return Promise.all([read(left), read(right)]);
    };
    const want = await both(bare());
    expect(await pipeline.run(() => both(traced()))).toEqual(want);
    expect(shape(await events())).toEqual([
      [`op_start ${at(CREATE)}`, 'start'],
      [`llm_usage ${at(CREATE)}`, 1561],
      [`op_end ${at(CREATE)}`, 'ok'],
    ]);
    await pipeline.shutdown();
  });

  it('the SDK’s own OpenTelemetry spans (on by default) are the same, traced or not: create, a streamed create, messages.stream, asResponse()', async () => {
    const { pipeline } = tracer();
    const spansOf = async (wrap: (client: Anthropic) => Anthropic) => {
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const client = wrap(anthropicClient(server.url, { openTelemetry: { tracerProvider, traces: { contentMode: 'content' } } }));
      await client.messages.create(request, fixture('anthropic/message'));
      for await (const _ of await client.messages.create({ ...request, stream: true }, fixture('anthropic/message-stream-tools')));
      await client.messages.stream(request, fixture('anthropic/message-stream')).finalMessage();
      await (await client.messages.create(request, fixture('anthropic/message')).asResponse()).text();
      await tracerProvider.forceFlush();
      return exporter.getFinishedSpans().map((span) => ({
        name: span.name,
        status: span.status,
        attributes: Object.fromEntries(Object.entries(span.attributes).filter(([key]) => !/duration|time|\.id$|port/.test(key))),
      }));
    };
    const want = await spansOf((client) => client);
    expect(want.length).toBeGreaterThanOrEqual(4);
    expect(await pipeline.run(() => spansOf((client) => traceAnthropic(client)))).toEqual(want);
    await pipeline.shutdown();
  });

  it('promises nobody awaits (a child process): unhandled rejections exactly as untraced, call by call', async () => {
    const child = join(import.meta.dirname, 'llm-unhandled-child.ts');
    const refused = await refusedUrl();
    const runChild = (traced: string) => run(process.execPath, ['--import', 'tsx', child, 'anthropic', traced, server.url, refused], { encoding: 'utf8' });
    const [untraced, tracedRun] = (await Promise.all([runChild('0'), runChild('1')])).map(({ stdout }) => JSON.parse(stdout.trim()));
    expect(untraced).toEqual({ unhandled: { unawaited: 1, refused: 1, 'asResponse-dropped': 1, late: 1 }, handled: 1, ops: {} });
    expect({ unhandled: tracedRun.unhandled, handled: tracedRun.handled }).toEqual({ unhandled: untraced.unhandled, handled: untraced.handled });
    const failed = ['start', 'error'];
    expect(tracedRun.ops).toEqual({ unawaited: failed, refused: failed, 'unawaited-ok': ['start'], 'asResponse-dropped': failed, awaited: failed, late: failed, unwrapped: failed });
  });
});
