import { describe, expect, it } from 'vitest';
import { op } from '../src/recording/op.js';
import { outline, payloadOf, tracer } from './helpers.js';

describe('op(): exact event sequences for every shape', () => {
  it('sync function: op_start then op_end ok with captured inputs and outputs', async () => {
    const { pipeline, events } = tracer();
    const add = op('add', ({ a, b }: { a: number; b: number }) => ({ sum: a + b }));
    const result = pipeline.run(() => add({ a: 1, b: 2 }), { requestId: 'r1' });
    expect(result).toEqual({ sum: 3 });
    const got = await events();
    expect(outline(got)).toEqual(['op_start add main/add#0', 'op_end add main/add#0']);
    expect(got.map((e) => e.event_id)).toEqual(['r1-0', 'r1-1']);
    expect(got.map((e) => e.seq)).toEqual([0, 1]);
    expect(got[0]!.payload).toEqual({ inputs: { a: 1, b: 2 } });
    expect(payloadOf(got[1]!)).toEqual({ outputs: { sum: 3 }, status: 'ok', yield_count: 0 });
    expect(typeof (got[1]!.payload as { duration_ms: number }).duration_ms).toBe('number');
  });

  it('sync throw: op_end error with type and message; the same error reaches the caller', async () => {
    const { pipeline, events } = tracer();
    const boom = new RangeError('too big');
    const fail = op('fail', () => {
      throw boom;
    });
    expect(() => pipeline.run(() => fail())).toThrow(boom);
    const got = await events();
    expect(outline(got)).toEqual(['op_start fail main/fail#0', 'op_end fail main/fail#0']);
    expect(payloadOf(got[1]!)).toEqual({ outputs: {}, status: 'error', yield_count: 0, error: { type: 'RangeError', message: 'too big', stack: expect.stringMatching(/^RangeError: too big\n {4}at /) } });
  });

  it('async function resolving', async () => {
    const { pipeline, events } = tracer();
    const fetchAnswer = op('fetchAnswer', async (q: string) => {
      await Promise.resolve();
      return `answer to ${q}`;
    });
    await expect(pipeline.run(() => fetchAnswer('x'))).resolves.toBe('answer to x');
    const got = await events();
    expect(outline(got)).toEqual(['op_start fetchAnswer main/fetchAnswer#0', 'op_end fetchAnswer main/fetchAnswer#0']);
    expect(got[0]!.payload).toEqual({ inputs: { args: ['x'] } });
    expect(payloadOf(got[1]!)).toEqual({ outputs: { value: 'answer to x' }, status: 'ok', yield_count: 0 });
  });

  it('async function rejecting: op_end error, the rejection reaches the caller unchanged', async () => {
    const { pipeline, events } = tracer();
    const error = new TypeError('bad input');
    const reject = op('reject', async () => {
      await Promise.resolve();
      throw error;
    });
    await expect(pipeline.run(() => reject())).rejects.toBe(error);
    const got = await events();
    expect(payloadOf(got[1]!)).toEqual({ outputs: {}, status: 'error', yield_count: 0, error: { type: 'TypeError', message: 'bad input', stack: expect.stringMatching(/^TypeError: bad input\n {4}at /) } });
  });

  it('promise-returning (non-async) function and a custom thenable returned as is, its then never called by optrail', async () => {
    const { pipeline, events } = tracer();
    class ApiPromise<T> extends Promise<T> {
      withResponse() {
        return 'extra API';
      }
    }
    let thenCalls = 0;
    const sdkPromise = new ApiPromise<number>((resolve) => resolve(7));
    const then = sdkPromise.then.bind(sdkPromise);
    // Counts calls of the instance's then: the program's await is the only one.
    sdkPromise.then = ((...args: Parameters<typeof then>) => (thenCalls++, then(...args))) as typeof then;
    const sdkCall = op('sdkCall', () => sdkPromise);
    const plain = op('plain', () => Promise.resolve(5));
    const returned = pipeline.run(() => sdkCall());
    expect(returned).toBeInstanceOf(ApiPromise);
    expect(returned.withResponse()).toBe('extra API');
    expect(returned).toBe(sdkPromise);
    expect(thenCalls).toBe(0);
    expect(await returned).toBe(7);
    expect(thenCalls).toBe(1);
    expect(await pipeline.run(() => plain())).toBe(5);
    const got = await events();
    expect(outline(got)).toEqual([
      'op_start sdkCall main/sdkCall#0',
      'op_end sdkCall main/sdkCall#0',
      'op_start plain main/plain#0',
      'op_end plain main/plain#0',
    ]);
    // Not a native promise: observing it could start work or hide an unhandled rejection, so the
    // op ends at return and says so (await it inside an async op to record its outcome).
    expect(payloadOf(got[1]!)).toEqual({ outputs: {}, status: 'ok', yield_count: 0, thenable: true });
    expect(payloadOf(got[3]!)).toEqual({ outputs: { value: 5 }, status: 'ok', yield_count: 0 });
  });

  it('sync generator consumed to the end: one op_yield per value, op_end ok with the return value', async () => {
    const { pipeline, events } = tracer();
    const count = op('count', function* (n: number) {
      for (let i = 0; i < n; i++) yield { i };
      return 'done';
    });
    const seen = pipeline.run(() => [...count(3)]);
    expect(seen).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    const got = await events();
    expect(outline(got)).toEqual([
      'op_start count main/count#0',
      'op_yield count main/count#0',
      'op_yield count main/count#0',
      'op_yield count main/count#0',
      'op_end count main/count#0',
    ]);
    expect(got.slice(1, 4).map((e) => e.payload)).toEqual([
      { yielded: { i: 0 }, idx: 0 },
      { yielded: { i: 1 }, idx: 1 },
      { yielded: { i: 2 }, idx: 2 },
    ]);
    expect(payloadOf(got[4]!)).toEqual({ outputs: { value: 'done' }, status: 'ok', yield_count: 3 });
  });

  it('generator broken early with break: op_end cancelled, the finally block ran inside the op', async () => {
    const { pipeline, events } = tracer();
    let cleaned = false;
    const cleanup = op('cleanup', () => {
      cleaned = true;
    });
    const numbers = op('numbers', function* () {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        cleanup();
      }
    });
    pipeline.run(() => {
      for (const n of numbers()) if (n === 1) break;
    });
    expect(cleaned).toBe(true);
    const got = await events();
    expect(outline(got)).toEqual([
      'op_start numbers main/numbers#0',
      'op_yield numbers main/numbers#0',
      'op_yield numbers main/numbers#0',
      'op_start cleanup main/numbers#0/cleanup#0',
      'op_end cleanup main/numbers#0/cleanup#0',
      'op_end numbers main/numbers#0',
    ]);
    expect(payloadOf(got[5]!)).toEqual({ outputs: {}, status: 'cancelled', yield_count: 2 });
  });

  it('generator that throws: op_end error after the yields before it', async () => {
    const { pipeline, events } = tracer();
    const flaky = op('flaky', function* () {
      yield 1;
      throw new Error('stream broke');
    });
    expect(() => pipeline.run(() => [...flaky()])).toThrow('stream broke');
    const got = await events();
    expect(outline(got)).toEqual(['op_start flaky main/flaky#0', 'op_yield flaky main/flaky#0', 'op_end flaky main/flaky#0']);
    expect(got[1]!.payload).toEqual({ yielded: { value: 1 }, idx: 0 });
    expect(payloadOf(got[2]!)).toEqual({ outputs: {}, status: 'error', yield_count: 1, error: { type: 'Error', message: 'stream broke', stack: expect.stringMatching(/^Error: stream broke\n {4}at /) } });
  });

  it('async generator: finished, returned early and throwing', async () => {
    const { pipeline, events } = tracer();
    const tokens = op('tokens', async function* (words: string[]) {
      for (const w of words) {
        await Promise.resolve();
        yield w;
      }
      return words.length;
    });
    const broken = op('broken', async function* () {
      yield 'a';
      throw new Error('mid-stream');
    });
    await pipeline.run(async () => {
      const all: string[] = [];
      for await (const t of tokens(['a', 'b'])) all.push(t);
      expect(all).toEqual(['a', 'b']);
      for await (const t of tokens(['x', 'y', 'z'])) if (t === 'x') break;
      await expect(
        (async () => {
          for await (const _ of broken()) {
            // consume
          }
        })(),
      ).rejects.toThrow('mid-stream');
    });
    const got = await events();
    expect(outline(got)).toEqual([
      'op_start tokens main/tokens#0',
      'op_yield tokens main/tokens#0',
      'op_yield tokens main/tokens#0',
      'op_end tokens main/tokens#0',
      'op_start tokens main/tokens#1',
      'op_yield tokens main/tokens#1',
      'op_end tokens main/tokens#1',
      'op_start broken main/broken#0',
      'op_yield broken main/broken#0',
      'op_end broken main/broken#0',
    ]);
    expect(payloadOf(got[3]!)).toEqual({ outputs: { value: 2 }, status: 'ok', yield_count: 2 });
    expect(payloadOf(got[6]!)).toEqual({ outputs: {}, status: 'cancelled', yield_count: 1 });
    expect(payloadOf(got[9]!)).toMatchObject({ status: 'error', error: { message: 'mid-stream' } });
  });

  it('emitYields: N emits every Nth yield, 0 none; yield_count counts them all', async () => {
    const { pipeline, events } = tracer();
    const every3 = op('every3', function* () {
      for (let i = 0; i < 7; i++) yield i;
    }, { emitYields: 3 });
    const none = op('none', function* () {
      yield 1;
      yield 2;
    }, { emitYields: 0 });
    pipeline.run(() => {
      [...every3()];
      [...none()];
    });
    const got = await events();
    const yields = got.filter((e) => e.kind === 'op_yield');
    expect(yields.map((e) => [e.op_name, (e.payload as { idx: number }).idx])).toEqual([
      ['every3', 0],
      ['every3', 3],
      ['every3', 6],
    ]);
    const ends = got.filter((e) => e.kind === 'op_end').map((e) => [e.op_name, (e.payload as { yield_count: number }).yield_count]);
    expect(ends).toEqual([
      ['every3', 7],
      ['none', 2],
    ]);
  });

  it('an aborted AbortSignal ends the op as cancelled at once, even if the body never settles', async () => {
    const { pipeline, events } = tracer();
    const controller = new AbortController();
    const hang = op('hang', (_signal: AbortSignal) => new Promise<never>(() => {}), { signal: (s) => s });
    const pending = pipeline.run(() => hang(controller.signal));
    controller.abort();
    const got = await events();
    expect(outline(got)).toEqual(['op_start hang main/hang#0', 'op_end hang main/hang#0']);
    expect(payloadOf(got[1]!)).toEqual({ outputs: {}, status: 'cancelled', yield_count: 0 });
    void pending;
  });

  it('a rejection with an AbortError (or while the signal is aborted) is cancelled, not error', async () => {
    const { pipeline, events } = tracer();
    const controller = new AbortController();
    controller.abort();
    const call = op('call', async (signal: AbortSignal) => {
      signal.throwIfAborted();
    }, { signal: (s) => s });
    await expect(pipeline.run(() => call(controller.signal))).rejects.toMatchObject({ name: 'AbortError' });
    const got = await events();
    expect(payloadOf(got[1]!)).toEqual({ outputs: {}, status: 'cancelled', yield_count: 0 });
  });

  it('keeps `this`, and captureInputs / captureOutputs take false or a mapper', async () => {
    const { pipeline, events } = tracer();
    const service = {
      prefix: 'hi ',
      greet: op('greet', function (this: { prefix: string }, name: string) {
        return this.prefix + name;
      }, { captureInputs: (name) => ({ who: name }), captureOutputs: false }),
    };
    expect(pipeline.run(() => service.greet('ada'))).toBe('hi ada');
    const got = await events();
    expect(got[0]!.payload).toEqual({ inputs: { who: 'ada' } });
    expect(payloadOf(got[1]!)).toEqual({ outputs: {}, status: 'ok', yield_count: 0 });
  });

  it('a throwing capture mapper never breaks the call; the event says what happened', async () => {
    const { pipeline, events } = tracer();
    const f = op('f', (x: number) => x + 1, {
      captureInputs: () => {
        throw new Error('mapper bug');
      },
    });
    expect(pipeline.run(() => f(1))).toBe(2);
    const got = await events();
    expect(got[0]!.payload).toEqual({ inputs: { $capture_error: 'mapper bug' } });
  });

  it('outside any request a wrapped function behaves exactly like the original', () => {
    const original = function (this: unknown, a: number) {
      return { self: this, a };
    };
    const wrapped = op('w', original);
    const self = { k: 1 };
    expect(wrapped.call(self, 5)).toEqual({ self, a: 5 });
    expect(wrapped.name).toBe('original');
    expect(wrapped.length).toBe(1);
    function* gen() {
      yield 1;
    }
    const g = op('g', gen)();
    expect(Object.prototype.toString.call(g)).toBe('[object Generator]');
  });
});
