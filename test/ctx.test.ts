import { describe, expect, it } from 'vitest';
import { currentOp } from '../src/recording/context.js';
import { op } from '../src/recording/op.js';
import { outline, tracer } from './helpers.js';

describe('ctx: the invocation path', () => {
  it('nests ops and numbers repeated children per name: the second search under the first plan', async () => {
    const { pipeline, events } = tracer();
    const search = op('search', (q: string) => q);
    const plan = op('plan', () => {
      search('a');
      search('b');
    });
    pipeline.run(() => plan());
    const got = await events();
    expect(outline(got)).toEqual([
      'op_start plan main/plan#0',
      'op_start search main/plan#0/search#0',
      'op_end search main/plan#0/search#0',
      'op_start search main/plan#0/search#1',
      'op_end search main/plan#0/search#1',
      'op_end plan main/plan#0',
    ]);
  });

  it('numbers each child name on its own when names alternate (a, a, b, a, c, b, a)', async () => {
    const { pipeline, events } = tracer();
    const a = op('a', () => 0);
    const b = op('b', () => 0);
    const c = op('c', () => 0);
    const parent = op('parent', () => {
      a();
      a();
      b();
      a();
      c();
      b();
      a();
    });
    pipeline.run(() => parent());
    const starts = (await events()).filter((e) => e.kind === 'op_start' && e.op_name !== 'parent').map((e) => e.ctx.at(-1));
    expect(starts).toEqual(['a#0', 'a#1', 'b#0', 'a#2', 'c#0', 'b#1', 'a#3']);
  });

  it('concurrent siblings (Promise.all) get distinct segments in call order and keep their own children', async () => {
    const { pipeline, events } = tracer();
    const leaf = op('leaf', async () => {
      await new Promise((r) => setImmediate(r));
      return currentOp()!.ctx.join('/');
    });
    const tool = op('tool', async (delayTurns: number) => {
      for (let i = 0; i < delayTurns; i++) await Promise.resolve();
      return leaf();
    });
    const agent = op('agent', async () => Promise.all([tool(3), tool(0), tool(1)]));
    const leaves = await pipeline.run(() => agent());
    expect(leaves).toEqual(['main/agent#0/tool#0/leaf#0', 'main/agent#0/tool#1/leaf#0', 'main/agent#0/tool#2/leaf#0']);
    const got = await events();
    const toolStarts = got.filter((e) => e.kind === 'op_start' && e.op_name === 'tool').map((e) => [e.ctx.join('/'), e.payload]);
    expect(toolStarts).toEqual([
      ['main/agent#0/tool#0', { inputs: { args: [3] } }],
      ['main/agent#0/tool#1', { inputs: { args: [0] } }],
      ['main/agent#0/tool#2', { inputs: { args: [1] } }],
    ]);
    const leafEvents = got.filter((e) => e.op_name === 'leaf').map((e) => e.ctx.join('/'));
    expect(new Set(leafEvents)).toEqual(new Set(leaves));
  });

  it('ops called from callbacks and timers hang under the op current where they were scheduled', async () => {
    const { pipeline, events } = tracer();
    const later = op('later', () => currentOp()!.ctx.join('/'));
    const scheduler = op('scheduler', () =>
      new Promise<string[]>((resolve) => {
        const results: string[] = [];
        setTimeout(() => {
          results.push(later());
          queueMicrotask(() => {
            results.push(later());
            resolve(results);
          });
        }, 0);
      }),
    );
    const results = await pipeline.run(() => scheduler());
    expect(results).toEqual(['main/scheduler#0/later#0', 'main/scheduler#0/later#1']);
    await events();
  });

  it('ops called inside a generator body hang under the generator, whoever pulls it', async () => {
    const { pipeline, events } = tracer();
    const step = op('step', (i: number) => i);
    const producer = op('producer', function* () {
      yield step(0);
      yield step(1);
    });
    const consumer = op('consumer', (it: Iterable<number>) => [...it]);
    pipeline.run(() => consumer(producer()));
    const got = await events();
    expect(got.filter((e) => e.op_name === 'step').map((e) => e.ctx.join('/'))).toEqual([
      'main/producer#0/step#0',
      'main/producer#0/step#0',
      'main/producer#0/step#1',
      'main/producer#0/step#1',
    ]);
  });

  it('currentOp() reports op, ctx and request; undefined at request level and outside', () => {
    const { pipeline } = tracer();
    const inner = op('inner', () => currentOp());
    expect(currentOp()).toBeUndefined();
    pipeline.run(() => {
      expect(currentOp()).toBeUndefined();
      expect(inner()).toEqual({ opName: 'inner', ctx: ['main', 'inner#0'], requestId: 'req-x' });
    }, { requestId: 'req-x' });
  });

  it('separate requests have separate ids, seq counters and ctx numbering', async () => {
    const { pipeline, events } = tracer();
    const f = op('f', () => 1);
    pipeline.run(() => f(), { requestId: 'a' });
    pipeline.run(() => f(), { requestId: 'b' });
    const got = await events();
    expect(got.map((e) => `${e.event_id} ${e.ctx.join('/')}`)).toEqual(['a-0 main/f#0', 'a-1 main/f#0', 'b-0 main/f#0', 'b-1 main/f#0']);
  });

  it('a request id defaults to a ULID', async () => {
    const { pipeline, events } = tracer();
    pipeline.run(op('f', () => 1));
    const [first] = await events();
    expect(first!.request_id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

describe('request ids chosen by the caller', () => {
  it('running the same request id again continues its seq, so event ids never repeat', async () => {
    const { pipeline, events } = tracer();
    const f = op('f', () => 1);
    pipeline.run(() => f(), { requestId: 'conversation-1' });
    pipeline.run(() => f(), { requestId: 'conversation-1' });
    const got = await events();
    expect(got.map((e) => `${e.event_id} ${e.ctx.join('/')}`)).toEqual([
      'conversation-1-0 main/f#0',
      'conversation-1-1 main/f#0',
      // conversation-1-2: the end of the first run
      'conversation-1-3 main/f#1',
      'conversation-1-4 main/f#1',
    ]);
  });
});
