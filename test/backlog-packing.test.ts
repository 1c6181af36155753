import { describe, expect, it } from 'vitest';
import { DROPPED_MARKER_KEY, dropMarker } from '../src/pipeline/drop-marker.js';
import { op } from '../src/recording/op.js';
import { packEvents, unpackEvents } from '../src/pipeline/backlog-packing.js';
import { createPipeline } from '../src/pipeline/pipeline.js';
import { encodeBatch } from '../src/wire/serialize.js';
import type { Exporter, TraceEvent } from '../src/pipeline/exporter-types.js';
import { tracer } from './helpers.js';

const work = op('work', (query: { text: string; n: number }) => ({ answer: `${query.text} → ${query.n}`, ok: true }));

/** An exporter that holds every export until `open()`; then it takes batches as they come. */
function gatedExporter(name: string, overload: Exporter['overload'] = 'drop-oldest') {
  const delivered: TraceEvent[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const exporter: Exporter = {
    name,
    overload,
    async export(batch) {
      await gate;
      delivered.push(...batch);
    },
  };
  return { exporter, delivered, open };
}

function isDeepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

const CALLS = 2_000;
const traceCalls = () => {
  for (let i = 0; i < CALLS; i++) work({ text: `question ${i} — “quoted” ✓`, n: i });
};

describe('backlog packing', () => {
  it('a dropping exporter behind a slow backend gets every event, equal to the byte, where without packing it would drop', async () => {
    // 4,000 events of ≈ 330 estimated bytes (≈ 1.3 MB) against a 512 KiB cap: only packing fits them.
    const run = async (packBacklogAt: number) => {
      const slow = gatedExporter('slow');
      const { pipeline, memory } = tracer({ exporters: [slow.exporter], maxBufferBytes: 512 * 1024, batch: { maxEvents: 100 }, packBacklogAt });
      pipeline.run(traceCalls, { requestId: 'packing' });
      slow.open();
      await pipeline.flush();
      return { slow, memory, metrics: pipeline.metrics() };
    };

    const packed = await run(0.125);
    expect(packed.metrics.dropped).toEqual({});
    expect(packed.metrics.exporters.slow!.packedEvents).toBeGreaterThan(3_000);
    expect(packed.slow.delivered).toHaveLength(2 * CALLS + 1); // and the request's end
    // The memory exporter writes synchronously at the cap and never packs: the reference.
    expect(packed.metrics.exporters.memory!.packedEvents).toBe(0);
    expect(encodeBatch(packed.slow.delivered).equals(Buffer.from(encodeBatch(packed.memory.events)))).toBe(true);
    expect(packed.slow.delivered.every(isDeepFrozen)).toBe(true);
    expect(packed.metrics.bufferedBytes).toBe(0);
    expect(packed.metrics.exporters.slow!.queueDepth).toBe(0);

    const unpacked = await run(0);
    expect(unpacked.metrics.exporters.slow!.packedEvents).toBe(0);
    expect(unpacked.metrics.dropped['overflow:slow']).toBeGreaterThan(0);
  });

  it('dropping packed batches at the cap counts every lost event and the markers add up to it', async () => {
    const slow = gatedExporter('slow');
    const pipeline = createPipeline({ exporters: [slow.exporter], maxBufferBytes: 24 * 1024, batch: { maxEvents: 50 }, exitSafety: false, logger: false });
    pipeline.run(traceCalls, { requestId: 'r' });
    slow.open();
    await pipeline.flush();
    const metrics = pipeline.metrics();
    expect(metrics.exporters.slow!.packedEvents).toBeGreaterThan(0);
    const dropped = metrics.dropped['overflow:slow']!;
    expect(dropped).toBeGreaterThan(0);
    const markers = slow.delivered.filter((e) => e.kind === 'annotation' && (e.payload as { key?: string }).key === DROPPED_MARKER_KEY);
    const markerTotal = markers.reduce((sum, m) => sum + (m.payload as { value: { count: number } }).value.count, 0);
    expect(markerTotal).toBe(dropped);
    expect(slow.delivered.length - markers.length + dropped).toBe(2 * CALLS + 1);
    expect(metrics.bufferedBytes).toBe(0);
  });

  it('sync and spool exporters never pack: they write at the cap instead', async () => {
    const written: TraceEvent[] = [];
    const syncWriter: Exporter = { name: 'sync', export: () => new Promise(() => {}), exportSync: (batch) => void written.push(...batch) };
    const pipeline = createPipeline({ exporters: [syncWriter], maxBufferBytes: 64 * 1024, batch: { maxEvents: 50 }, exitSafety: false, logger: false });
    pipeline.run(traceCalls);
    expect(pipeline.metrics().exporters.sync!.packedEvents).toBe(0);
    expect(pipeline.metrics().exporters.sync!.syncBatches).toBeGreaterThan(0);
  });

  it('packing and unpacking gives equal, deeply frozen events with the same bytes, markers and their loss included', () => {
    const { pipeline, events: recorded } = tracer();
    pipeline.run(() => {
      work({ text: 'lone surrogate \ud800, emoji 🧭, NUL \u0000, newline \n', n: -0 });
      work({ text: 'x'.repeat(5000), n: Number.MAX_SAFE_INTEGER });
    }, { requestId: 'round-trip' });
    return recorded().then((memoryEvents) => {
      const marker = dropMarker(memoryEvents.at(-1)!, 7, 'overflow');
      const events = [...memoryEvents, marker];
      const packed = packEvents(events);
      expect(packed.count).toBe(5);
      expect(packed.loss).toEqual({ lost: 4, folded: 7 });
      expect(packed.last).toBe(marker);
      const back = unpackEvents(packed);
      expect(back).toEqual(events);
      expect(back.every(isDeepFrozen)).toBe(true);
      expect(Buffer.from(encodeBatch(back)).equals(Buffer.from(encodeBatch(events)))).toBe(true);
      expect(packed.data.length).toBeLessThan(encodeBatch(events).length);
    });
  });
});
