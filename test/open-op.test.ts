import { afterEach, describe, expect, it } from 'vitest';
import { getDefaultPipeline, setDefaultPipeline } from '../src/pipeline/default-pipeline.js';
import { op } from '../src/recording/op.js';
import { startOp } from '../src/recording/open-op.js';
import { installRunnerLookup } from '../src/recording/outside-request.js';
import { isRequestEnd } from '../src/wire/request-end.js';
import { outline, payloadOf, tracer } from './helpers.js';

// startOp is the op whose start and end are not one function call (SDK telemetry callbacks,
// streams). Whatever the caller does with it, the traced program is unchanged and there is one
// op_end per op_start.
describe('startOp', () => {
  afterEach(() => {
    setDefaultPipeline(undefined);
    installRunnerLookup(getDefaultPipeline);
  });

  it('nests what runs inside it and what records on it, and ends once with its outputs', async () => {
    const { pipeline, events } = tracer();
    const tool = op('tool', (x: number) => x + 1);
    await pipeline.run(async () => {
      const call = startOp('llm', { model: 'm', messages: ['hi'] })!;
      expect(call.run(() => tool(1))).toBe(2);
      call.recordUsage({ model: 'm', promptTokens: 3, completionTokens: 4, costUsd: 0.5 });
      call.annotate('finish_reason', 'stop');
      call.end({ text: 'hello' });
      call.end({ text: 'again' });
      call.fail(new Error('late'));
      call.cancel();
      expect(call.ended).toBe(true);
    });
    const got = await events();
    expect(outline(got)).toEqual([
      'op_start llm main/llm#0',
      'op_start tool main/llm#0/tool#0',
      'op_end tool main/llm#0/tool#0',
      'llm_usage llm main/llm#0',
      'annotation llm main/llm#0',
      'op_end llm main/llm#0',
    ]);
    expect(got[0]!.payload).toEqual({ inputs: { model: 'm', messages: ['hi'] } });
    expect(payloadOf(got[5]!)).toEqual({ outputs: { text: 'hello' }, status: 'ok', yield_count: 0 });
  });

  it('starts under the parent it is given, not under whatever is current', async () => {
    const { pipeline, events } = tracer();
    await pipeline.run(async () => {
      const generate = startOp('generate')!;
      const step = startOp('step', undefined, { parent: generate })!;
      await op('elsewhere', async () => {
        const call = startOp('call', undefined, { parent: step })!;
        call.end();
      })();
      step.end();
      generate.end();
    });
    expect(outline(await events())).toEqual([
      'op_start generate main/generate#0',
      'op_start step main/generate#0/step#0',
      'op_start elsewhere main/elsewhere#0',
      'op_start call main/generate#0/step#0/call#0',
      'op_end call main/generate#0/step#0/call#0',
      'op_end elsewhere main/elsewhere#0',
      'op_end step main/generate#0/step#0',
      'op_end generate main/generate#0',
    ]);
  });

  it('fail records the error, an AbortError and an aborted signal end it cancelled, at once', async () => {
    const { pipeline, events } = tracer();
    await pipeline.run(() => {
      startOp('bad')!.fail(new TypeError('boom'));
      const abort = new DOMException('stopped', 'AbortError');
      startOp('aborted-error')!.fail(abort);
      const controller = new AbortController();
      const watched = startOp('watched', undefined, { signal: controller.signal })!;
      controller.abort();
      expect(watched.ended).toBe(true);
      watched.end({ late: true });
      startOp('already', undefined, { signal: AbortSignal.abort() });
    });
    const ends = (await events()).filter((e) => e.kind === 'op_end');
    expect(ends.map((e) => [e.op_name, (e.payload as { status: string }).status])).toEqual([
      ['bad', 'error'],
      ['aborted-error', 'cancelled'],
      ['watched', 'cancelled'],
      ['already', 'cancelled'],
    ]);
    expect((ends[0]!.payload as { error: unknown }).error).toMatchObject({ type: 'TypeError', message: 'boom' });
  });

  it('lets what runs inside it throw through unchanged, and hostile inputs and outputs never throw', async () => {
    const { pipeline, events } = tracer();
    const thrown = new RangeError('its own');
    const hostile = Object.defineProperty({}, 'secret', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    await pipeline.run(() => {
      const call = startOp('__proto__', hostile)!;
      expect(() =>
        call.run(() => {
          throw thrown;
        }),
      ).toThrow(thrown);
      call.annotate('__proto__', hostile);
      call.end(new Proxy({}, { ownKeys: () => { throw new Error('proxy'); } }));
    });
    const got = await events();
    expect(outline(got)).toEqual(['op_start __proto__ main/__proto__#0', 'annotation __proto__ main/__proto__#0', 'op_end __proto__ main/__proto__#0']);
    expect((got[2]!.payload as { status: string }).status).toBe('ok');
  });

  it('outside any request starts a request of the default pipeline that ends when the op ends', async () => {
    const { pipeline, stream } = tracer();
    setDefaultPipeline(pipeline);
    const call = startOp('stream', { model: 'm' })!;
    expect(call).toBeDefined();
    call.run(() => op('inner', () => 1)());
    expect((await stream()).some(isRequestEnd)).toBe(false); // still running
    call.end({ text: 'done' });
    await pipeline.flush();
    const all = await stream();
    expect(outline(all.filter((e) => !isRequestEnd(e)))).toEqual([
      'op_start stream main/stream#0',
      'op_start inner main/stream#0/inner#0',
      'op_end inner main/stream#0/inner#0',
      'op_end stream main/stream#0',
    ]);
    expect(all.filter(isRequestEnd)).toHaveLength(1);
    expect(new Set(all.map((e) => e.request_id)).size).toBe(1);
  });

  it('outside any request, an op that never ends cannot hold its request open: shutdown marks it ended with the op open', async () => {
    const { pipeline, memory } = tracer();
    setDefaultPipeline(pipeline);
    startOp('abandoned-stream', { model: 'm' });
    await pipeline.shutdown();
    const ends = memory.events.filter(isRequestEnd);
    expect(ends).toHaveLength(1);
    expect((ends[0]!.payload as { value: { open: number } }).value.open).toBe(1);
  });

  it('outside any request with no default pipeline records nothing and returns undefined', () => {
    installRunnerLookup(() => undefined);
    expect(startOp('bare')).toBeUndefined();
    installRunnerLookup(() => {
      throw new Error('broken lookup');
    });
    expect(startOp('bare')).toBeUndefined();
  });
});
