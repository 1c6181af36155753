import { map } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryExporter } from '../exporters/memory.js';
import { DROPPED_MARKER_KEY } from '../src/pipeline/drop-marker.js';
import { EXPORT_ABORT_GRACE_MS } from '../src/pipeline/exporter-channel.js';
import { op } from '../src/recording/op.js';
import { nameProcessor } from '../src/pipeline/processor-reporter.js';
import { createPipeline } from '../src/pipeline/pipeline.js';
import type { Exporter, Processor, TraceEvent } from '../src/pipeline/exporter-types.js';
import { outline, tracer } from './helpers.js';

const work = op('work', (i: number) => i);

function throwingExporter(name = 'broken'): Exporter {
  return {
    name,
    export() {
      throw new Error('backend exploded');
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('pipeline', () => {
  it('a throwing exporter is isolated, counted and reported; the others get everything', async () => {
    const { pipeline, memory } = tracer({ exporters: [throwingExporter()] });
    pipeline.run(() => {
      for (let i = 0; i < 3; i++) work(i);
    });
    await pipeline.flush();
    expect(memory.events).toHaveLength(7); // 3 × (op_start, op_end) and the request's end
    const metrics = pipeline.metrics();
    expect(metrics.exporters.memory!.exported).toBe(7);
    expect(metrics.exporters.broken!.failures).toBe(1);
    expect(metrics.exporters.broken!.exported).toBe(0);
    expect(metrics.dropped).toEqual({ 'export_failed:broken': 7 });
    const report = await pipeline.shutdown();
    expect(report.errors).toEqual([expect.objectContaining({ source: 'exporter:broken.export', message: 'backend exploded', count: 1 })]);
  });

  it('a hanging exporter times out and the pipeline goes on', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let called!: () => void;
    const exportCalled = new Promise<void>((r) => (called = r));
    const hanging: Exporter = {
      name: 'hang',
      export: () => {
        called();
        return new Promise(() => {});
      },
    };
    const { pipeline, memory } = tracer({ exporters: [hanging], exportTimeoutMs: 5000, batch: { maxAgeMs: 0 } });
    pipeline.run(() => work(1));
    const flushed = pipeline.flush();
    await exportCalled;
    // The deadline, then the grace for an exporter that ignores its abort signal (this one does).
    await vi.advanceTimersByTimeAsync(5000 + EXPORT_ABORT_GRACE_MS);
    await flushed;
    expect(memory.events).toHaveLength(3);
    expect(pipeline.metrics().exporters.hang!.failures).toBe(1);
    expect(pipeline.errors()[0]).toMatchObject({ source: 'exporter:hang.export', message: 'TimeoutError: hang.export took longer than 5000 ms' });
  });

  it('batches by count: an exporter sees batches of at most maxEvents', async () => {
    const sizes: number[] = [];
    const { pipeline } = tracer({
      exporters: [{ name: 'sizes', export: (batch) => void sizes.push(batch.length) }],
      batch: { maxEvents: 4 },
    });
    pipeline.run(() => {
      for (let i = 0; i < 5; i++) work(i);
    });
    await pipeline.flush();
    expect(sizes).toEqual([4, 4, 3]); // 5 × (op_start, op_end) and the request's end
  });

  it('a failing processor is isolated: counted, reported, restarted, and a marker stands for the lost event', async () => {
    let calls = 0;
    const flaky: Processor = nameProcessor(
      'flaky',
      map((event: TraceEvent) => {
        calls++;
        if (calls === 2) throw new Error('processor bug');
        return event;
      }),
    );
    const { pipeline, memory } = tracer({ processors: [flaky] });
    pipeline.run(() => {
      work(1);
      work(2);
    }, { requestId: 'r' });
    await pipeline.flush();
    expect(memory.events.map((e) => e.event_id)).toEqual(['r-0', 'r-1:dropped', 'r-2', 'r-3', 'r-4']);
    expect(memory.events[1]!.payload).toEqual({ key: DROPPED_MARKER_KEY, value: { count: 1, reason: 'processor_error:flaky' } });
    expect(pipeline.metrics().processors).toEqual({ flaky: { errors: 1, callbackErrors: {}, dropped: {}, changed: {} } });
    expect(pipeline.metrics().dropped).toEqual({ 'processor_error:flaky': 1 });
  });

  it('processors apply in order and their state lives as long as the pipeline', async () => {
    let seen = 0;
    const counter: Processor = map((event: TraceEvent) => ({ ...event, seq: seen++ }) as TraceEvent);
    const { pipeline, memory } = tracer({ processors: [counter] });
    pipeline.run(() => work(1));
    pipeline.run(() => work(2));
    await pipeline.flush();
    expect(memory.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5]); // each request: op_start, op_end, its end
  });

  it('at the memory cap a sync exporter is written synchronously: nothing lost in a loop that never yields', () => {
    const memory = memoryExporter();
    const pipeline = createPipeline({ exporters: [memory], maxBufferBytes: 20_000, exitSafety: false, logger: false });
    pipeline.run(() => {
      for (let i = 0; i < 10_000; i++) work(i);
    });
    // No await: the loop never yielded, yet the cap forced delivery.
    expect(memory.events.length).toBeGreaterThan(19_000);
    const metrics = pipeline.metrics();
    expect(metrics.bufferedBytes).toBeLessThanOrEqual(20_000);
    expect(metrics.exporters.memory!.syncBatches).toBeGreaterThan(0);
    expect(metrics.dropped).toEqual({});
  });

  it('drop-oldest at the cap counts the loss and leaves an optrail.dropped marker in the stream', async () => {
    const delivered: TraceEvent[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Exporter = {
      name: 'slow',
      overload: 'drop-oldest',
      async export(batch) {
        await gate;
        delivered.push(...batch);
      },
    };
    const pipeline = createPipeline({ exporters: [slow], maxBufferBytes: 5_000, batch: { maxEvents: 10 }, exitSafety: false, logger: false });
    pipeline.run(() => {
      for (let i = 0; i < 200; i++) work(i);
    }, { requestId: 'r' });
    release();
    await pipeline.flush();
    const dropped = pipeline.metrics().dropped['overflow:slow']!;
    expect(dropped).toBeGreaterThan(0);
    const markers = delivered.filter((e) => e.kind === 'annotation' && (e.payload as any).key === DROPPED_MARKER_KEY);
    expect(markers.length).toBeGreaterThan(0);
    const markerTotal = markers.reduce((sum, m) => sum + (m.payload as any).value.count, 0);
    expect(markerTotal).toBe(dropped);
    expect(delivered.length - markers.length + dropped).toBe(401); // 200 × (op_start, op_end) and the request's end
  });

  it('drop-newest drops the open batch and marks it', async () => {
    const slow: Exporter = { name: 'newest', overload: 'drop-newest', export: () => new Promise(() => {}) };
    const pipeline = createPipeline({ exporters: [slow], maxBufferBytes: 3_000, exitSafety: false, logger: false });
    pipeline.run(() => {
      for (let i = 0; i < 100; i++) work(i);
    });
    expect(pipeline.metrics().dropped['overflow:newest']).toBeGreaterThan(0);
    expect(pipeline.metrics().bufferedBytes).toBeLessThanOrEqual(3_000 + 400);
  });

  it('events after shutdown are counted as dropped, and wrapped calls still work', async () => {
    const { pipeline } = tracer();
    await pipeline.shutdown();
    expect(pipeline.run(() => work(3))).toBe(3);
    expect(pipeline.metrics().emitted).toBe(0);
    await expect(pipeline.replay([])).rejects.toThrow('after shutdown');
  });

  it('shutdown is idempotent and reports counts', async () => {
    const { pipeline } = tracer();
    pipeline.run(() => work(1));
    const [a, b] = await Promise.all([pipeline.shutdown(), pipeline.shutdown()]);
    expect(a).toBe(b);
    expect(a.metrics.emitted).toBe(3); // op_start, op_end, the request's end
    expect(a.metrics.exporters.memory!.exported).toBe(3);
    expect(a.errors).toEqual([]);
    expect(a.timedOut).toBe(false);
  });

  it('rejects wrong options with a message naming them', () => {
    expect(() => createPipeline({ batch: { maxEvents: 'ten' as any } })).toThrow(/batch\.maxEvents/);
    expect(() => createPipeline({ exporters: [{} as any] })).toThrow(/exporter needs a string `name`/);
    expect(() => createPipeline({ typo: 1 } as any)).toThrow(/typo/);
  });

  it('a logger hears each distinct failure once, plus the shutdown summary', async () => {
    const lines: string[] = [];
    const pipeline = createPipeline({ exporters: [throwingExporter()], exitSafety: false, logger: { warn: (m) => lines.push(m) } });
    pipeline.run(() => work(1));
    await pipeline.flush();
    pipeline.run(() => work(2));
    await pipeline.shutdown();
    expect(lines[0]).toBe('exporter:broken.export failed: backend exploded (counted; tracing goes on)');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('6 events lost (6 export_failed:broken)');
  });

  it('outline helper sanity: replay pushes through processors to exporters', async () => {
    const { pipeline, memory } = tracer();
    pipeline.run(() => work(1), { requestId: 'x' });
    await pipeline.flush();
    const recorded = [...memory.events];
    memory.clear();
    const result = await pipeline.replay(recorded);
    expect(result).toEqual({ events: 3 });
    expect(outline(memory.events)).toEqual(['op_start work main/work#0', 'op_end work main/work#0', 'annotation - ']);
    expect(pipeline.metrics().replayed).toBe(3);
  });
});
