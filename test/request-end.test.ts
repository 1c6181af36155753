import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chromeTraceExporter } from '../exporters/chrome-trace-exporter.js';
import { groupedExporter } from '../exporters/grouped-exporter.js';
import { htmlExporter } from '../exporters/html-exporter.js';
import { memoryExporter } from '../exporters/memory.js';
import { toOtlpJson } from '../exporters/otlp.js';
import { timelineExporter } from '../exporters/timeline-exporter.js';
import { treeExporter } from '../exporters/tree-exporter.js';
import { tailSample } from '../processors/tail-sample.js';
import { op } from '../src/recording/op.js';
import { createPipeline, type Pipeline, type PipelineOptions } from '../src/pipeline/pipeline.js';
import { readEvents } from '../src/read/read-events.js';
import { isRequestEnd, REQUEST_END_KEY, RequestCompletion } from '../src/wire/request-end.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { tempDir } from './helpers.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

/** A writable that keeps what the view exporters print. */
function textSink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/** `kind op ctx` per event, the end marker spelled out with its status and open count. */
function outline(events: readonly TraceEvent[]): string[] {
  return events.map((e) => {
    if (isRequestEnd(e)) {
      const value = (e.payload as { value: { status: string; open: number } }).value;
      return `${e.request_id} end ${value.status} open=${value.open}`;
    }
    return `${e.request_id} ${e.kind} ${e.op_name ?? '-'} ${e.ctx.join('/')}`;
  });
}

/** Every consumer that waits for a request's end, fed by one pipeline. */
function consumers(options: PipelineOptions = {}) {
  const dir = tempDir();
  const tree = textSink();
  const timeline = textSink();
  const grouped = textSink();
  const memory = memoryExporter();
  const pipeline = createPipeline({
    exitSafety: false,
    logger: false,
    ...options,
    exporters: [
      memory,
      treeExporter({ stream: tree.stream, color: false }),
      timelineExporter({ stream: timeline.stream, color: false }),
      groupedExporter({ stream: grouped.stream, color: false }),
      htmlExporter({ path: join(dir, 'run.html') }),
      chromeTraceExporter({ path: join(dir, 'run.json') }),
    ],
  });
  return {
    pipeline,
    memory,
    async views() {
      await pipeline.shutdown();
      const html = readFileSync(join(dir, 'run.html'), 'utf8');
      const data = JSON.parse(/<script type="application\/json" id="optrail-data">(.*?)<\/script>/s.exec(html)![1]!) as {
        trees: Array<{ requestId: string }>;
        timelines: Array<{ requestId: string }>;
      };
      const chrome = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { traceEvents: Array<{ name: string; args?: { name: string } }> };
      return {
        events: memory.events,
        /** Requests each terminal view rendered (its header lines), and continuations of late events. */
        tree: headers(tree.text(), /^request (\S+)/gm),
        timeline: headers(timeline.text(), /^request (\S+)/gm),
        grouped: headers(grouped.text(), /^request (\S+)/gm),
        treeLate: headers(tree.text(), /late events of request (\S+),/gm),
        treeText: tree.text(),
        htmlTrees: data.trees.map((t) => t.requestId),
        chromeProcesses: chrome.traceEvents.filter((e) => e.name === 'process_name').map((e) => e.args!.name),
        otlp: otlpRoots(memory.events),
      };
    },
  };
}

function headers(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((m) => m[1]!);
}

/** Per trace: how many root spans, and how many spans in all. */
function otlpRoots(events: readonly TraceEvent[]) {
  const spans = toOtlpJson(events).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  const byTrace = new Map<string, { roots: number; spans: number; names: string[] }>();
  for (const span of spans) {
    const entry = byTrace.get(span.traceId) ?? { roots: 0, spans: 0, names: [] };
    entry.spans++;
    if (span.parentSpanId === undefined) entry.roots++;
    else entry.names.push(span.name);
    byTrace.set(span.traceId, entry);
  }
  return [...byTrace.values()];
}

const a = op('a', async () => 'A');
const b = op('b', async () => 'B');
const fails = op('fails', async () => {
  throw new Error('second step failed');
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the end of a request is marked in the stream', () => {
  it('two ops one after the other: one request, ended once both have', async () => {
    const c = consumers();
    await c.pipeline.run(async () => {
      await a();
      await b();
    }, { requestId: 'seq' });
    const v = await c.views();
    expect(outline(v.events)).toEqual([
      'seq op_start a main/a#0',
      'seq op_end a main/a#0',
      'seq op_start b main/b#0',
      'seq op_end b main/b#0',
      'seq end ok open=0',
    ]);
    expect(v.events.at(-1)!.payload).toEqual({ key: REQUEST_END_KEY, value: { status: 'ok', duration_ms: expect.any(Number), open: 0 } });
    expect(v.tree).toEqual(['seq']);
    expect(v.timeline).toEqual(['seq']);
    expect(v.grouped).toEqual(['seq']);
    expect(v.htmlTrees).toEqual(['seq']);
    expect(v.chromeProcesses).toEqual(['request seq']);
    expect(v.otlp).toEqual([{ roots: 1, spans: 3, names: ['a', 'b'] }]);
    expect(v.treeText).toContain('a');
    expect(v.treeText.match(/^request /gm)).toHaveLength(1);
  });

  it('concurrent top-level ops (Promise.all) and nested ones: one request each', async () => {
    const c = consumers();
    const outer = op('outer', async () => [await a(), await b()]);
    await c.pipeline.run(() => Promise.all([a(), b()]), { requestId: 'conc' });
    await c.pipeline.run(() => outer(), { requestId: 'nest' });
    const v = await c.views();
    expect(outline(v.events)).toEqual([
      'conc op_start a main/a#0',
      'conc op_start b main/b#0',
      'conc op_end a main/a#0',
      'conc op_end b main/b#0',
      'conc end ok open=0',
      'nest op_start outer main/outer#0',
      'nest op_start a main/outer#0/a#0',
      'nest op_end a main/outer#0/a#0',
      'nest op_start b main/outer#0/b#0',
      'nest op_end b main/outer#0/b#0',
      'nest op_end outer main/outer#0',
      'nest end ok open=0',
    ]);
    expect(v.tree).toEqual(['conc', 'nest']);
    expect(v.timeline).toEqual(['conc', 'nest']);
    expect(v.grouped).toEqual(['conc', 'nest']);
    expect(v.chromeProcesses).toEqual(['request conc', 'request nest']);
    expect(v.otlp).toEqual([
      { roots: 1, spans: 3, names: ['a', 'b'] },
      { roots: 1, spans: 4, names: ['a', 'b', 'outer'] },
    ]);
  });

  it('an un-awaited child that ends after the run settled belongs to its request: the end waits for it', async () => {
    const c = consumers();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = op('slow', () => gate.then(() => 'late'));
    let background!: Promise<string>;
    await c.pipeline.run(async () => {
      background = slow(); // not awaited by the run
      await a();
    }, { requestId: 'bg' });
    release(); // only now, after the run settled, can slow end
    await background;
    const v = await c.views();
    expect(outline(v.events)).toEqual([
      'bg op_start slow main/slow#0',
      'bg op_start a main/a#0',
      'bg op_end a main/a#0',
      'bg op_end slow main/slow#0',
      'bg end ok open=0',
    ]);
    expect(v.tree).toEqual(['bg']);
    expect(v.treeLate).toEqual([]);
    expect(v.otlp).toEqual([{ roots: 1, spans: 3, names: ['a', 'slow'] }]);
  });

  it('an op that outlives the grace: the end is marked with it open, its late end joins the same request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const c = consumers({ requestEndGraceMs: 1000 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hung = op('hung', () => gate);
    let background!: Promise<void>;
    c.pipeline.run(() => void (background = hung()), { requestId: 'hung' });
    await vi.advanceTimersByTimeAsync(1000);
    release();
    await background;
    vi.useRealTimers();
    const v = await c.views();
    expect(outline(v.events)).toEqual(['hung op_start hung main/hung#0', 'hung end ok open=1', 'hung op_end hung main/hung#0']);
    // The terminal views render the request at its end and the late op as its continuation.
    expect(v.tree).toEqual(['hung', 'hung']);
    expect(v.treeLate).toEqual(['hung']);
    expect(v.htmlTrees).toEqual(['hung']);
    expect(v.chromeProcesses).toEqual(['request hung']);
    // OTLP: one root; the late span joins the same trace under it.
    expect(v.otlp).toEqual([{ roots: 1, spans: 2, names: ['hung'] }]);
  });

  it('the same request id run twice: one request, one root span, one decision', async () => {
    const c = consumers();
    await c.pipeline.run(() => a(), { requestId: 'conv' });
    await c.pipeline.run(() => b(), { requestId: 'conv' });
    const v = await c.views();
    expect(outline(v.events)).toEqual([
      'conv op_start a main/a#0',
      'conv op_end a main/a#0',
      'conv end ok open=0',
      'conv op_start b main/b#0',
      'conv op_end b main/b#0',
      'conv end ok open=0',
    ]);
    expect(v.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(v.otlp).toEqual([{ roots: 1, spans: 3, names: ['a', 'b'] }]);
    expect(v.htmlTrees).toEqual(['conv']);
    expect(v.chromeProcesses).toEqual(['request conv']);
    expect(v.treeLate).toEqual(['conv']);
  });

  it('a run that throws or rejects ends its request with status error', async () => {
    const { pipeline, memory } = consumers();
    expect(() =>
      pipeline.run(() => {
        throw new Error('sync');
      }, { requestId: 'thrown' }),
    ).toThrow('sync');
    await expect(pipeline.run(() => fails(), { requestId: 'rejected' })).rejects.toThrow('second step failed');
    await pipeline.flush();
    expect(outline(memory.events)).toEqual([
      'thrown end error open=0',
      'rejected op_start fails main/fails#0',
      'rejected op_end fails main/fails#0',
      'rejected end error open=0',
    ]);
  });

  it('a replayed operonx file (no end markers) ends its requests at the end of the stream', async () => {
    const c = consumers();
    await c.pipeline.replay(readEvents(fixture('operonx-python.jsonl')));
    const v = await c.views();
    expect(v.events.some(isRequestEnd)).toBe(false);
    expect(v.tree).toEqual(['req-1']);
    expect(v.timeline).toEqual(['req-1']);
    expect(v.grouped).toEqual(['req-1']);
    expect(v.htmlTrees).toEqual(['req-1']);
    expect(v.otlp.map((t) => t.roots)).toEqual([1]);
  });
});

describe('tailSample decides a request at its end', () => {
  async function sampled(body: (pipeline: Pipeline) => Promise<unknown>) {
    const memory = memoryExporter();
    const pipeline = createPipeline({ exitSafety: false, logger: false, processors: [tailSample({ rate: 0 })], exporters: [memory] });
    await body(pipeline).catch(() => {});
    await pipeline.shutdown();
    return { events: outline(memory.events), metrics: pipeline.metrics() };
  }

  it('a request whose second op fails is kept whole (rate 0 keeps every failing request)', async () => {
    const { events, metrics } = await sampled((p) =>
      p.run(async () => {
        await a();
        await fails();
      }, { requestId: 'r' }),
    );
    expect(events).toEqual(['r op_start a main/a#0', 'r op_end a main/a#0', 'r op_start fails main/fails#0', 'r op_end fails main/fails#0', 'r end error open=0']);
    expect(metrics.processors.tailSample?.dropped ?? {}).toEqual({});
  });

  it('a healthy sequential request is dropped whole and counted; concurrent and nested ones too', async () => {
    const { events, metrics } = await sampled(async (p) => {
      await p.run(async () => {
        await a();
        await b();
      }, { requestId: 'seq' });
      await p.run(() => Promise.all([a(), fails()]), { requestId: 'conc' });
    });
    expect(events).toEqual([
      'conc op_start a main/a#0',
      'conc op_start fails main/fails#0',
      'conc op_end a main/a#0',
      'conc op_end fails main/fails#0',
      'conc end error open=0',
    ]);
    expect(metrics.processors.tailSample!.dropped).toEqual({ tail_sampled_out: 5 });
  });

  it('an un-awaited child that fails after the run settled keeps its request', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const background = op('background', async () => {
      await gate;
      throw new Error('late failure');
    });
    const { events } = await sampled(async (p) => {
      await p.run(async () => {
        background().catch(() => {});
        await a();
      }, { requestId: 'bg' });
      release();
      await gate;
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(events).toEqual([
      'bg op_start background main/background#0',
      'bg op_start a main/a#0',
      'bg op_end a main/a#0',
      'bg op_end background main/background#0',
      'bg end ok open=0',
    ]);
  });

  it('the same request id run twice follows the first decision; a replayed operonx file is decided at its end', async () => {
    const { events } = await sampled(async (p) => {
      await p.run(() => fails(), { requestId: 'twice' }).catch(() => {});
      await p.run(() => a(), { requestId: 'twice' });
    });
    expect(events).toEqual([
      'twice op_start fails main/fails#0',
      'twice op_end fails main/fails#0',
      'twice end error open=0',
      'twice op_start a main/a#0',
      'twice op_end a main/a#0',
      'twice end ok open=0',
    ]);
    // No end markers, no error: decided (and dropped whole) at the end of the stream.
    const replayed = await sampled((p) => p.replay(readEvents(fixture('operonx-python.jsonl'))));
    expect(replayed.events).toEqual([]);
    expect(replayed.metrics.processors.tailSample!.dropped).toEqual({ tail_sampled_out: 3 });
  });
});

describe('RequestCompletion: the one rule', () => {
  const event = (request_id: string, kind: string, payload: object, op_name: string | null = null): TraceEvent =>
    ({ event_id: `${request_id}-x`, request_id, kind, op_name, ctx: op_name ? ['main', `${op_name}#0`] : [], timestamp: '2026-12-01T00:00:00.000000Z', seq: 0, payload }) as unknown as TraceEvent;

  it('open until the end marker, late after it; a user annotation of another key or on an op is no end', () => {
    const rule = new RequestCompletion<boolean>();
    expect(rule.phase(event('r', 'op_start', { inputs: {} }, 'f'))).toBe('open');
    expect(rule.phase(event('r', 'annotation', { key: 'optrail.request_endx', value: 1 }))).toBe('open');
    expect(rule.phase(event('r', 'annotation', { key: REQUEST_END_KEY, value: 1 }, 'f'))).toBe('open');
    expect(rule.phase(event('r', 'annotation', { key: REQUEST_END_KEY, value: {} }))).toBe('complete');
    rule.complete('r', false);
    expect(rule.phase(event('r', 'op_end', { status: 'ok' }, 'f'))).toBe('late');
    expect(rule.outcome('r')).toBe(false);
    expect(rule.outcome('other')).toBeUndefined();
  });

  it('remembers a bounded number of completed requests', () => {
    const rule = new RequestCompletion(2);
    for (const id of ['a', 'b', 'c']) rule.complete(id, true);
    expect(rule.outcome('a')).toBeUndefined();
    expect(rule.outcome('c')).toBe(true);
  });
});

describe('large and hostile requests at their end', () => {
  it('OTLP: a request ending with 200,000 spans still open is sent whole (no spread overflows the stack)', () => {
    const events: TraceEvent[] = [];
    for (let i = 0; i < 200_000; i++) {
      events.push({ event_id: `big-${i}`, request_id: 'big', kind: 'op_start', op_name: 'f', ctx: ['main', `f#${i}`], timestamp: '2026-12-01T00:00:00.000000Z', seq: i, payload: { inputs: {} } } as unknown as TraceEvent);
    }
    const spans = toOtlpJson(events).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    expect(spans).toHaveLength(200_001);
  });

  it('group metadata named __proto__ is kept as data, never as the payload prototype', async () => {
    const { group } = await import('../src/recording/group.js');
    const memory = memoryExporter();
    const pipeline = createPipeline({ exitSafety: false, logger: false, exporters: [memory] });
    pipeline.run(() => group('g', () => 1, JSON.parse('{"__proto__":{"x":1},"y":2}')), { requestId: 'p' });
    await pipeline.flush();
    const start = memory.events.find((e) => e.kind === 'group_start')!;
    expect(Object.getPrototypeOf(start.payload)).toBe(Object.prototype);
    expect(Object.keys(start.payload)).toEqual(['name', '__proto__', 'y']);
    expect(JSON.stringify(start.payload)).toBe('{"name":"g","__proto__":{"x":1},"y":2}');
  });
});

describe('the end of a request on hostile and overlapping paths', () => {
  it('run() returning a Proxy whose getPrototypeOf trap throws: the caller gets it back, the request ends', async () => {
    const memory = memoryExporter();
    const pipeline = createPipeline({ exitSafety: false, logger: false, exporters: [memory] });
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    expect(pipeline.run(() => hostile, { requestId: 'px' })).toBe(hostile);
    const poisoned = Promise.resolve(1);
    Object.defineProperty(poisoned, 'constructor', {
      get() {
        throw new Error('ctor getter');
      },
    });
    expect(pipeline.run(() => poisoned, { requestId: 'ctor' })).toBe(poisoned);
    await pipeline.flush();
    expect(outline(memory.events)).toEqual(['px end ok open=0', 'ctor end ok open=0']);
  });

  it('a run of the same id that starts while the last one waits for its open op: the end comes after both, with the grace again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const memory = memoryExporter();
    const pipeline = createPipeline({ exitSafety: false, logger: false, exporters: [memory], requestEndGraceMs: 1000 });
    const hung = op('hung', () => new Promise(() => {}));
    pipeline.run(() => void hung(), { requestId: 'conv' });
    await vi.advanceTimersByTimeAsync(500);
    let releaseB!: () => void;
    const second = pipeline.run(() => new Promise<void>((resolve) => (releaseB = resolve)), { requestId: 'conv' });
    await vi.advanceTimersByTimeAsync(2000); // past the first run's grace: the second still runs
    expect(memory.events.some(isRequestEnd)).toBe(false);
    releaseB();
    await second;
    await vi.advanceTimersByTimeAsync(1000);
    vi.useRealTimers();
    await pipeline.flush();
    expect(outline(memory.events)).toEqual(['conv op_start hung main/hung#0', 'conv end ok open=1']);
  });

  it('flush() leaves a running request alone in the terminal views: it is rendered once, at its end', async () => {
    const tree = textSink();
    const pipeline = createPipeline({ exitSafety: false, logger: false, exporters: [treeExporter({ stream: tree.stream, color: false })] });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const long = pipeline.run(async () => {
      await a();
      await gate;
      await b();
    }, { requestId: 'LONG' });
    await pipeline.run(() => a(), { requestId: 'SHORT' });
    await pipeline.flush();
    expect(headers(tree.text(), /^request (\S+)/gm)).toEqual(['SHORT']);
    release();
    await long;
    await pipeline.shutdown();
    expect(headers(tree.text(), /^request (\S+)/gm)).toEqual(['SHORT', 'LONG']);
    expect(tree.text()).not.toContain('late events');
  });

  it('groupBy: late events of an ended request join no new group', async () => {
    const { groupBy } = await import('../processors/group-by.js');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const memory = memoryExporter();
    const pipeline = createPipeline({ exitSafety: false, logger: false, exporters: [memory], processors: [groupBy({ boundary: () => false })], requestEndGraceMs: 10 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = op('slow', () => gate);
    let background!: Promise<void>;
    pipeline.run(() => void (background = slow()), { requestId: 'g' });
    await vi.advanceTimersByTimeAsync(10);
    release();
    await background;
    vi.useRealTimers();
    await pipeline.shutdown();
    expect(memory.events.map((e) => `${e.kind}${e.kind.startsWith('group') ? ':' + (e.payload as { status?: string }).status : ''}`)).toEqual([
      'group_start:undefined',
      'op_start',
      'group_end:truncated',
      'annotation',
      'op_end',
    ]);
  });

  it('tailSample: the same id run again after a drop is decided anew, so a later failure is kept', async () => {
    const memory = memoryExporter();
    const pipeline = createPipeline({ exitSafety: false, logger: false, exporters: [memory], processors: [tailSample({ rate: 0 })] });
    await pipeline.run(() => a(), { requestId: 'conv' });
    await pipeline.run(() => fails(), { requestId: 'conv' }).catch(() => {});
    await pipeline.shutdown();
    expect(outline(memory.events)).toEqual(['conv op_start fails main/fails#0', 'conv op_end fails main/fails#0', 'conv end error open=0']);
    expect(pipeline.metrics().processors.tailSample!.dropped).toEqual({ tail_sampled_out: 3 });
  });

  it('a processor that fails hands on what it held before it restarts: one event lost, marked and counted', async () => {
    const memory = memoryExporter();
    const pipeline = createPipeline({ exitSafety: false, logger: false, exporters: [memory], processors: [tailSample({ rate: 1 })] });
    const held: TraceEvent[] = Array.from({ length: 100 }, (_, i) =>
      Object.freeze({ event_id: `h-${i}`, request_id: 'h', kind: 'op_start', op_name: 'f', ctx: ['main', `f#${i}`], timestamp: '2026-12-01T00:00:00.000000Z', seq: i, payload: { inputs: {} } }) as unknown as TraceEvent,
    );
    const bad = { ...held[0]!, event_id: 'h-bad', seq: 100, timestamp: 42 } as unknown as TraceEvent;
    await pipeline.replay([...held, bad]);
    await pipeline.shutdown();
    const ids = new Set(memory.events.map((e) => e.event_id));
    expect(held.every((e) => ids.has(e.event_id))).toBe(true);
    expect(pipeline.metrics().processors.tailSample!.errors).toBe(1);
  });
});
