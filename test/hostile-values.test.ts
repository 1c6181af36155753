import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annotate } from '../src/recording/annotate.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_ITEMS, DEFAULT_MAX_NAME, DEFAULT_MAX_STRING } from '../src/base/defaults.js';
import { group } from '../src/recording/group.js';
import { recordLlmUsage } from '../src/recording/llm-usage.js';
import type { MediaStore } from '../src/delivery/file-media-store.js';
import { op } from '../src/recording/op.js';
import { recordMedia } from '../src/recording/record-media.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { startChild } from './child-process.js';
import { tracer } from './helpers.js';

/** The events a test made itself: a request's own end marker (`optrail.*` annotations) left out. */
function own(events: readonly TraceEvent[]): TraceEvent[] {
  return events.filter((e) => !(e.kind === 'annotation' && e.op_name === null && String((e.payload as { key?: unknown }).key).startsWith('optrail.')));
}

function kinds(events: readonly TraceEvent[]): string[] {
  return own(events).map((e) => `${e.kind} ${e.op_name ?? '-'}`);
}

function payload(event: TraceEvent | undefined): Record<string, any> {
  const { duration_ms: _ignored, ...rest } = event!.payload as Record<string, unknown>;
  return rest;
}

/** A tracer whose estimated bytes per accepted event are kept, in event order. */
function sizedTracer(options: Parameters<typeof tracer>[0] = {}) {
  const t = tracer(options);
  const sizes: number[] = [];
  const host = t.pipeline as unknown as { accept(event: TraceEvent, bytes: number): void };
  const accept = host.accept.bind(host);
  host.accept = (event, bytes) => {
    sizes.push(bytes);
    accept(event, bytes);
  };
  return { ...t, sizes };
}

const PLACEHOLDER = '[unreadable]';
const FIVE_MB = 'x'.repeat(5 * 1024 * 1024);

/** Fresh hostile values, each with the `error` an op that throws it records. */
function hostileThrown(): Array<{ label: string; value: unknown; error: Record<string, unknown> }> {
  const nameThrows = new Error('boom');
  Object.defineProperty(nameThrows, 'name', {
    get() {
      throw new Error('no name for you');
    },
  });
  const fail = () => {
    throw new Error('trap');
  };
  const trapped = new Proxy(new Error('inner'), { get: fail, getPrototypeOf: fail, has: fail, ownKeys: fail, getOwnPropertyDescriptor: fail });
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const transparent = new Proxy(new TypeError('proxied'), {});
  return [
    // V8 formats a stack when it is first read, through the name getter: it cannot be read either.
    { label: 'an Error whose name getter throws', value: nameThrows, error: { type: 'Error', message: 'boom' } },
    { label: 'a Proxy whose every trap throws', value: trapped, error: { type: 'object', message: PLACEHOLDER } },
    { label: 'a revoked Proxy', value: revoked, error: { type: 'object', message: PLACEHOLDER } },
    { label: 'a transparent Proxy of an error', value: transparent, error: { type: 'TypeError', message: 'proxied', stack: expect.stringContaining('proxied') } },
  ];
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (thrown) {
    return thrown;
  }
  throw new Error('did not throw');
}

/** The rejection of `promise`, boxed (resolving an async function with a hostile value would read its `then`). */
async function rejected(promise: PromiseLike<unknown>): Promise<{ reason: unknown }> {
  try {
    await promise;
  } catch (reason) {
    return { reason };
  }
  throw new Error('did not reject');
}

describe('hostile thrown values reach the caller unchanged and op_end is recorded', () => {
  for (const { label, value, error } of hostileThrown()) {
    it(`sync, async, sync generator and async generator ops throwing ${label}`, async () => {
      const { pipeline, events } = tracer();
      const sync = op('sync', () => {
        throw value;
      });
      const asyncOp = op('async', async () => {
        throw value;
      });
      const gen = op('gen', function* () {
        yield 1;
        throw value;
      });
      const asyncGen = op('asyncGen', async function* () {
        yield 1;
        throw value;
      });
      expect(caught(() => pipeline.run(() => sync())) === value).toBe(true);
      expect((await rejected(pipeline.run(() => asyncOp()))).reason === value).toBe(true);
      expect(caught(() => pipeline.run(() => [...gen()])) === value).toBe(true);
      const drain = async () => {
        for await (const _ of asyncGen());
      };
      expect((await rejected(pipeline.run(drain))).reason === value).toBe(true);
      const got = own(await events());
      expect(kinds(got)).toEqual([
        'op_start sync',
        'op_end sync',
        'op_start async',
        'op_end async',
        'op_start gen',
        'op_yield gen',
        'op_end gen',
        'op_start asyncGen',
        'op_yield asyncGen',
        'op_end asyncGen',
      ]);
      for (const end of got.filter((e) => e.kind === 'op_end')) {
        expect(payload(end)).toEqual({ outputs: {}, status: 'error', yield_count: end.op_name!.endsWith('en') ? 1 : 0, error });
      }
    });
  }
});

describe('hostile returned, yielded and argument values', () => {
  const fail = () => {
    throw new Error('trap');
  };

  it('a revoked Proxy returned, yielded or passed: the same value reaches the caller and both events are recorded', async () => {
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const { pipeline, events } = tracer();
    const give = op('give', () => revoked);
    const take = op('take', (x: unknown) => x === revoked);
    const gen = op('gen', function* () {
      yield revoked;
      return revoked;
    });
    expect(pipeline.run(() => give()) === revoked).toBe(true);
    expect(pipeline.run(() => take(revoked))).toBe(true);
    const it = pipeline.run(() => gen());
    expect(it.next().value === revoked).toBe(true);
    expect(it.next().value === revoked).toBe(true);
    const got = own(await events());
    expect(kinds(got)).toEqual(['op_start give', 'op_end give', 'op_start take', 'op_end take', 'op_start gen', 'op_yield gen', 'op_end gen']);
    const unserializable = expect.stringMatching(/^\[Unserializable: .*revoked/);
    expect(payload(got[1])).toEqual({ outputs: { value: unserializable }, status: 'ok', yield_count: 0 });
    expect(payload(got[2])).toEqual({ inputs: { args: [unserializable] } });
    expect(payload(got[5])).toEqual({ yielded: { value: unserializable }, idx: 0 });
    expect(payload(got[6])).toEqual({ outputs: { value: unserializable }, status: 'ok', yield_count: 1 });
  });

  it('an async op resolving to a Proxy whose traps throw (then excepted, as a promise needs): the caller gets it', async () => {
    const trapped = new Proxy({}, { get: (_t, key) => (key === 'then' ? undefined : fail()), getPrototypeOf: fail, ownKeys: fail });
    const { pipeline, events } = tracer();
    const give = op('give', async () => trapped);
    expect((await pipeline.run(() => give())) === trapped).toBe(true);
    const got = own(await events());
    expect(kinds(got)).toEqual(['op_start give', 'op_end give']);
    expect(payload(got[1])).toEqual({ outputs: { value: expect.stringMatching(/^\[Unserializable: trap\]$/) }, status: 'ok', yield_count: 0 });
  });
});

describe('names', () => {
  const unprintable = {
    toString() {
      throw new Error('no string');
    },
  };

  it('group(name, fn) whose String(name) throws: fn runs, its value comes back, the group is recorded with a placeholder', async () => {
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const { pipeline, events } = tracer();
    let ran = 0;
    expect(pipeline.run(() => group(unprintable as unknown as string, () => ++ran))).toBe(1);
    expect(await pipeline.run(() => group(revoked as unknown as string, async () => ++ran))).toBe(2);
    const got = own(await events());
    expect(got.map((e) => `${e.kind} ${(e.payload as { name: string }).name}`)).toEqual([
      `group_start ${PLACEHOLDER}`,
      `group_end ${PLACEHOLDER}`,
      `group_start ${PLACEHOLDER}`,
      `group_end ${PLACEHOLDER}`,
    ]);
  });

  it('op() rejects a name that is not a non-empty string at definition, with a TypeError that says so', () => {
    const fn = () => 1;
    expect(() => op(42 as unknown as string, fn)).toThrow(new TypeError('op(): name must be a non-empty string, got number'));
    expect(() => op(unprintable as unknown as string, fn)).toThrow(new TypeError('op(): name must be a non-empty string, got object'));
    expect(() => op(Symbol('s') as unknown as string, fn)).toThrow(new TypeError('op(): name must be a non-empty string, got symbol'));
    expect(() => op('', fn)).toThrow(new TypeError('op(): name must be a non-empty string, got an empty string'));
    expect(() => op('ok', 7 as unknown as () => 1)).toThrow(new TypeError('op("ok"): fn must be a function'));
  });
});

/** A knex/drizzle-style query builder: `then` starts the query, every time it is called. */
function queryBuilder<T>(rows: T) {
  const state = { runs: 0 };
  const builder = {
    where() {
      return builder;
    },
    then<R1, R2>(onFulfilled?: (value: T) => R1, onRejected?: (reason: unknown) => R2) {
      state.runs++;
      return Promise.resolve(rows).then(onFulfilled, onRejected);
    },
  };
  return { builder, state };
}

describe('lazy thenables run exactly as often as without tracing', () => {
  it('an op returning a query builder: the caller gets its own object, the query runs once per then, the op ends at return', async () => {
    const bare = queryBuilder([1, 2]);
    const bareFind = () => bare.builder.where();
    expect(await bareFind()).toEqual([1, 2]);

    const traced = queryBuilder([1, 2]);
    const { pipeline, events } = tracer();
    const find = op('find', () => traced.builder.where());
    const returned = pipeline.run(() => find());
    expect(returned).toBe(traced.builder);
    expect(traced.state.runs).toBe(0);
    expect(await returned).toEqual([1, 2]);
    expect(traced.state.runs).toBe(bare.state.runs);
    const got = own(await events());
    expect(kinds(got)).toEqual(['op_start find', 'op_end find']);
    expect(payload(got[1])).toEqual({ outputs: {}, status: 'ok', yield_count: 0, thenable: true });
    expect(traced.state.runs).toBe(1);
  });

  it('group(name, fn) returning a query builder closes at return and never calls then', async () => {
    const { builder, state } = queryBuilder('rows');
    const { pipeline, events } = tracer();
    expect(pipeline.run(() => group('g', () => builder))).toBe(builder);
    expect(kinds(await events())).toEqual(['group_start -', 'group_end -']);
    expect(state.runs).toBe(0);
    expect(await builder).toBe('rows');
    expect(state.runs).toBe(1);
  });

  it('a rejected Promise subclass and a rejected native promise the program does not handle still raise unhandledRejection', async () => {
    const { exited } = startChild('test/children/hostile-unhandled.ts', []);
    const { code, stdout, stderr } = await exited;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      unhandled: ['sdk failed', 'native failed'],
      subclassIsCallersOwn: true,
      ends: [
        { op: 'sdk', status: 'ok', thenable: true },
        { op: 'native', status: 'error', message: 'native failed' },
      ],
    });
  });
});

describe('every recorded string is bounded and every byte estimate is finite', () => {
  const cut = (length: number, max: number) => length <= max + 40;

  it('a 5 MB error message, name, stack, code; a 5 MB thrown string', async () => {
    const { pipeline, events, sizes } = sizedTracer();
    const huge = new Error(FIVE_MB);
    const named = new Error('short');
    named.name = FIVE_MB;
    const stacked = new Error('short');
    stacked.stack = FIVE_MB;
    Object.assign(stacked, { code: FIVE_MB });
    for (const value of [huge, named, stacked, FIVE_MB]) {
      const f = op('f', () => {
        throw value;
      });
      expect(caught(() => pipeline.run(() => f()))).toBe(value);
    }
    const ends = own(await events()).filter((e) => e.kind === 'op_end');
    expect(ends).toHaveLength(4);
    for (const end of ends) expect(JSON.stringify(end).length).toBeLessThan(3 * DEFAULT_MAX_STRING);
    const [first, second, third, fourth] = ends.map((e) => payload(e).error);
    expect(first.message).toBe(`${'x'.repeat(DEFAULT_MAX_STRING)}…[truncated ${FIVE_MB.length - DEFAULT_MAX_STRING} chars]`);
    // The stack's first line repeats the message: it is cut the same way and the frames are kept.
    expect(first.stack.startsWith(`Error: ${first.message}\n    at `)).toBe(true);
    expect(second.type).toBe(`${'x'.repeat(DEFAULT_MAX_NAME)}…[truncated ${FIVE_MB.length - DEFAULT_MAX_NAME} chars]`);
    expect(cut(third.stack.length, DEFAULT_MAX_STRING)).toBe(true);
    expect(cut(third.code.length, DEFAULT_MAX_NAME)).toBe(true);
    expect(fourth).toEqual({ type: 'string', message: first.message });
    for (const bytes of sizes) expect(Number.isFinite(bytes)).toBe(true);
  });

  it('op and group names, annotation keys, model, provider, mime and object keys', async () => {
    const store: MediaStore = { put: () => ({ handle: 'sha256:abc', written: Promise.resolve() }), get: async () => undefined };
    const { pipeline, events, sizes } = sizedTracer({ mediaStore: store });
    const long = op(FIVE_MB, (input: Record<string, unknown>) => input);
    pipeline.run(() =>
      group(FIVE_MB, () => {
        long({ [FIVE_MB]: 1 });
        annotate(FIVE_MB, 1);
        recordLlmUsage({ model: FIVE_MB, provider: FIVE_MB, promptTokens: 1, completionTokens: 1 });
        recordMedia('bytes', { mime: FIVE_MB });
      }),
    );
    const got = own(await events());
    expect(got.map((e) => e.kind)).toEqual(['group_start', 'op_start', 'op_end', 'annotation', 'llm_usage', 'media_ref', 'group_end']);
    for (const event of got) expect(JSON.stringify(event).length).toBeLessThan(3 * DEFAULT_MAX_STRING);
    const name = `${'x'.repeat(DEFAULT_MAX_NAME)}…[truncated ${FIVE_MB.length - DEFAULT_MAX_NAME} chars]`;
    expect((got[0]!.payload as any).name).toBe(name);
    expect(got[1]!.op_name).toBe(name);
    expect(got[1]!.ctx).toEqual(['main', `${name}#0`]);
    expect(Object.keys((got[1]!.payload as any).inputs)).toEqual([`${'x'.repeat(DEFAULT_MAX_STRING)}…[truncated ${FIVE_MB.length - DEFAULT_MAX_STRING} chars]`]);
    expect((got[3]!.payload as any).key).toBe(name);
    expect((got[4]!.payload as any).model).toBe(name);
    expect((got[4]!.payload as any).provider).toBe(name);
    expect((got[5]!.payload as any).mime).toBe(name);
    for (const bytes of sizes) expect(Number.isFinite(bytes)).toBe(true);
  });

  it('the byte estimate of an annotation is finite and covers its value, whatever the key (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.string({ minLength: 100, maxLength: 300 }), async (key, value) => {
        const { pipeline, events, sizes } = sizedTracer();
        pipeline.run(() => annotate(key as string, value));
        const got = own(await events());
        expect(got).toHaveLength(1);
        const bytes = sizes[0]!;
        expect(Number.isFinite(bytes)).toBe(true);
        expect(bytes).toBeGreaterThanOrEqual(value.length);
        expect(typeof (got[0]!.payload as { key: unknown }).key).toBe('string');
      }),
      { numRuns: 60 },
    );
  });

  it('annotate(42, value) records the key "42" with a finite estimate', async () => {
    const { pipeline, events, sizes } = sizedTracer();
    pipeline.run(() => annotate(42 as unknown as string, 'y'.repeat(5000)));
    const got = own(await events());
    expect((got[0]!.payload as { key: string }).key).toBe('42');
    expect(sizes[0]).toBeGreaterThanOrEqual(5000);
  });
});

describe('errors keep what a person debugging needs', () => {
  it('a bounded stack, the cause chain, status and code', async () => {
    const root = Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    const middle = Object.assign(new Error('request failed', { cause: root }), { status: 503 });
    const top = new RangeError('agent step failed', { cause: middle });
    const { pipeline, events } = tracer();
    const step = op('step', () => {
      throw top;
    });
    expect(caught(() => pipeline.run(() => step()))).toBe(top);
    const end = own(await events())[1]!;
    expect(payload(end).error).toEqual({
      type: 'RangeError',
      message: 'agent step failed',
      stack: expect.stringMatching(/^RangeError: agent step failed\n {4}at /),
      cause: {
        type: 'Error',
        message: 'request failed',
        stack: expect.stringMatching(/^Error: request failed\n {4}at /),
        status: 503,
        cause: { type: 'Error', message: 'connection reset', stack: expect.stringMatching(/^Error: connection reset\n/), code: 'ECONNRESET' },
      },
    });
  });

  it('a long cause chain is cut (and the cut marked), a circular one ends at the repeat, a non-Error cause is described', async () => {
    let chain: Error = new Error('cause 0');
    for (let i = 1; i < 100; i++) chain = new Error(`cause ${i}`, { cause: chain });
    const circular = new Error('loop');
    circular.cause = circular;
    const stringCause = new Error('with a string cause', { cause: 'root cause' });
    const { pipeline, events } = tracer();
    for (const value of [chain, circular, stringCause]) {
      const f = op('f', () => {
        throw value;
      });
      caught(() => pipeline.run(() => f()));
    }
    const [long, loop, withString] = own(await events())
      .filter((e) => e.kind === 'op_end')
      .map((e) => payload(e).error);
    let depth = 0;
    let deepest = long;
    while (deepest.cause) {
      deepest = deepest.cause;
      depth++;
    }
    expect(depth).toBeGreaterThan(0);
    expect(depth).toBeLessThan(10);
    expect(deepest.cause_truncated).toBe(true);
    expect(deepest.message).toBe(`cause ${99 - depth}`);
    expect(loop.cause).toEqual({ type: '[Circular]', message: '[Circular]' });
    expect(withString.cause).toEqual({ type: 'string', message: 'root cause' });
  });
});

describe('capture defaults fit LLM work', () => {
  it('a 20,000-character system prompt and a 200-message history with tool calls are kept whole; past the limits the cut is marked', async () => {
    const system = 's'.repeat(20_000);
    const messages = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? { role: 'user', content: [{ type: 'text', text: `question ${i}` }] }
        : { role: 'assistant', content: [{ type: 'tool_use', id: `t${i}`, name: 'search', input: { query: { text: `q${i}`, filters: { lang: 'en' } } } }] },
    );
    const { pipeline, events } = tracer();
    const chat = op('chat', (_request: { system: string; messages: unknown[] }) => 'ok');
    pipeline.run(() => chat({ system, messages }));
    pipeline.run(() => chat({ system: 's'.repeat(DEFAULT_MAX_STRING + 5), messages: new Array(DEFAULT_MAX_ITEMS + 3).fill(1) }));
    const [whole, beyond] = own(await events()).filter((e) => e.kind === 'op_start');
    expect((whole!.payload as any).inputs).toEqual({ system, messages });
    expect((beyond!.payload as any).inputs.system).toBe(`${'s'.repeat(DEFAULT_MAX_STRING)}…[truncated 5 chars]`);
    expect((beyond!.payload as any).inputs.messages.at(-1)).toBe('…[+3 items]');
    expect(DEFAULT_MAX_DEPTH).toBeGreaterThanOrEqual(8);
  });
});
