import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { httpExporter, type HttpExporterOptions } from '../../exporters/http.js';
import { op } from '../../src/recording/op.js';
import { createPipeline, type Pipeline } from '../../src/pipeline/pipeline.js';
import { startReceiver, type Receiver } from '../../receiver/receiver.js';
import { tempDir } from '../helpers.js';
import { faultServer, freePort, type Fault } from './fault-server.js';

const API_KEY = 'sk-test-SECRET-KEY-0123456789abcdef';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const step = op('step', (i: number) => ({ i }));

/** Every event id written under `dir`, in file order. */
function idsIn(dir: string): string[] {
  const ids: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) if (line) ids.push(JSON.parse(line).event_id);
  }
  return ids;
}

async function setup(
  script: Fault[],
  exporterOptions: Partial<HttpExporterOptions> = {},
  receiverOptions: { maxBodyBytes?: number; apiKey?: string } = {},
  shutdownTimeoutMs?: number,
) {
  const out = tempDir('optrail-received-');
  const receiver = await startReceiver({ outDir: out, ...receiverOptions });
  const server = await faultServer(receiver, script);
  const spoolDir = tempDir('optrail-spool-');
  const exporter = httpExporter({
    url: server.url,
    spoolDir,
    timeoutMs: 300,
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    probeIntervalMs: 20,
    maxRetryAfterMs: 1500,
    ...exporterOptions,
  });
  const pipeline = createPipeline({ exporters: [exporter], exitSafety: false, logger: false, batch: { maxEvents: 50 }, shutdownTimeoutMs });
  cleanups.push(async () => {
    await pipeline.shutdown();
    await server.close();
    await receiver.close();
  });
  return { out, receiver, server, exporter, pipeline, spoolDir };
}

function emit(pipeline: Pipeline, calls: number, requestId = 'req'): string[] {
  pipeline.run(() => {
    for (let i = 0; i < calls; i++) step(i);
  }, { requestId });
  return Array.from({ length: calls * 2 + 1 }, (_, i) => `${requestId}-${i}`); // and the request's end
}

async function deliveredExactlyOnce(out: string, receiver: Receiver, expected: string[]) {
  await receiver.waitFor(expected.length);
  const ids = idsIn(out);
  expect(ids.length).toBe(expected.length);
  expect(new Set(ids)).toEqual(new Set(expected));
}

describe('httpExporter against a real local server', () => {
  it('plain success: gzip NDJSON, bearer key, idempotency key, each event once', async () => {
    const { out, receiver, pipeline, exporter } = await setup([], { apiKey: API_KEY }, { apiKey: API_KEY });
    const expected = emit(pipeline, 120);
    await pipeline.flush();
    await deliveredExactlyOnce(out, receiver, expected);
    expect(exporter.stats()).toMatchObject({ sentEvents: 241, retries: 0, spoolEvents: 0 });
  });

  it('500 for N requests: retried with backoff, then delivered, retries counted', async () => {
    const { out, receiver, pipeline, exporter } = await setup([{ status: 500 }, { status: 502 }, { status: 503 }]);
    const expected = emit(pipeline, 40);
    await pipeline.flush();
    await deliveredExactlyOnce(out, receiver, expected);
    expect(exporter.stats().retries).toBe(3);
    expect(pipeline.metrics().exporters.http!.details!.retries).toBe(3);
  });

  it('429 with Retry-After is honoured', async () => {
    const { out, receiver, pipeline, exporter, server } = await setup([{ status: 429, retryAfter: '1' }]);
    const expected = emit(pipeline, 10);
    await pipeline.flush();
    await deliveredExactlyOnce(out, receiver, expected);
    // The wait the exporter chose is the server's, not its own backoff (5–20 ms here).
    expect(exporter.stats()).toMatchObject({ retries: 1, lastRetryDelayMs: 1000 });
    expect(server.requests).toBe(2);
  });

  it('a connection reset in the middle of a body is retried', async () => {
    const { out, receiver, pipeline, exporter } = await setup([{ reset: true }, { reset: true }]);
    const expected = emit(pipeline, 30);
    await pipeline.flush();
    await deliveredExactlyOnce(out, receiver, expected);
    expect(exporter.stats().retries).toBe(2);
  });

  it('answers slower than the timeout: retried; the late copy is deduplicated by the receiver', async () => {
    const { out, receiver, pipeline, exporter } = await setup([{ delayMs: 600 }]);
    const expected = emit(pipeline, 20);
    await pipeline.flush();
    await deliveredExactlyOnce(out, receiver, expected);
    expect(exporter.stats().retries).toBe(1);
    await pipeline.shutdown();
  });

  it('413 above a size: the batch is split in halves until it fits', async () => {
    const { out, receiver, pipeline, exporter } = await setup([], { gzip: false }, { maxBodyBytes: 4000 });
    const expected = emit(pipeline, 25); // 50-event batches ≈ 12 KB, over the receiver's limit
    await pipeline.flush();
    await deliveredExactlyOnce(out, receiver, expected);
    expect(receiver.stats.tooLarge).toBeGreaterThan(0);
    expect(exporter.stats().rejectedEvents).toBe(0);
  });

  it('401: not retried, spooled, reported as an auth failure; the key never shows up anywhere', async () => {
    const { pipeline, exporter, spoolDir } = await setup([], { apiKey: API_KEY }, { apiKey: 'another-key' });
    emit(pipeline, 10);
    await pipeline.flush();
    const stats = exporter.stats();
    expect(stats.authFailures).toBeGreaterThan(0);
    expect(stats.spoolEvents).toBe(21);
    expect(stats.retries).toBe(0);
    expect(pipeline.health()).toMatchObject({ status: 'failing', reasons: expect.arrayContaining([expect.stringContaining('authentication failed')]) });
    const everything = JSON.stringify([pipeline.metrics(), pipeline.errors(), pipeline.health()]);
    expect(everything).not.toContain(API_KEY);
    for (const file of readdirSync(spoolDir)) {
      expect(readFileSync(join(spoolDir, file)).includes(API_KEY)).toBe(false);
      expect(statSync(join(spoolDir, file)).mode & 0o777).toBe(0o600);
    }
  });

  it('401 for a while (a key being rotated), then accepted: the spooled batch is resent, every event exactly once', async () => {
    const { out, receiver, pipeline, exporter } = await setup([{ status: 401 }]);
    const expected = emit(pipeline, 60); // 3 batches: the first is refused and spooled
    await pipeline.flush();
    await deliveredExactlyOnce(out, receiver, expected);
    await pipeline.flush();
    expect(exporter.stats()).toMatchObject({ authFailures: 1, retries: 0, resentEvents: 50, spoolEvents: 0 });
  });

  it('shutdown waits for in-flight sends up to its deadline, then spools what is left', async () => {
    const { pipeline, exporter, spoolDir } = await setup([{ delayMs: 5_000 }], { timeoutMs: 10_000, shutdownDeadlineMs: 50 }, {}, 400);
    emit(pipeline, 10);
    const report = await pipeline.shutdown();
    expect(report.metrics.exporters.http!.details).toMatchObject({ spooledEvents: 21, sentEvents: 0 });
    void exporter;
    const { DiskSpool } = await import('../../src/delivery/spool.js');
    expect(new DiskSpool(spoolDir, 1 << 30).stats.recoveredEvents).toBe(21);
  });

  it('400 is not retried and counted as dropped', async () => {
    const { pipeline, exporter } = await setup([{ status: 400 }]);
    emit(pipeline, 5);
    await pipeline.flush();
    expect(exporter.stats()).toMatchObject({ retries: 0, rejectedEvents: 11 });
    expect(pipeline.metrics().dropped).toEqual({ 'export_failed:http': 11 });
  });

  it('endpoint down at start, then up: spooled and resent, oldest first, each event once', async () => {
    const port = await freePort();
    const out = tempDir('optrail-received-');
    const spoolDir = tempDir('optrail-spool-');
    const exporter = httpExporter({ url: `http://127.0.0.1:${port}/v1/events`, spoolDir, maxRetries: 2, initialBackoffMs: 5, maxBackoffMs: 10, probeIntervalMs: 20 });
    const pipeline = createPipeline({ exporters: [exporter], exitSafety: false, logger: false, batch: { maxEvents: 50 } });
    const expected = emit(pipeline, 100);
    await pipeline.flush();
    expect(exporter.stats().spoolEvents).toBe(201);
    expect(pipeline.health().status).not.toBe('healthy');
    const receiver = await startReceiver({ outDir: out, port });
    cleanups.push(async () => {
      await pipeline.shutdown();
      await receiver.close();
    });
    await deliveredExactlyOnce(out, receiver, expected);
    await pipeline.flush(); // the receiver's signal can come before the exporter read the last answer
    expect(exporter.stats()).toMatchObject({ resentEvents: 201, spoolEvents: 0 });
  });

  it('1,000,000 events from a loop that never yields while the endpoint is down: memory under the cap, all delivered later', async () => {
    const port = await freePort();
    const out = tempDir('optrail-received-');
    const spoolDir = tempDir('optrail-spool-');
    const cap = 8 * 1024 * 1024;
    const exporter = httpExporter({ url: `http://127.0.0.1:${port}/v1/events`, spoolDir, maxRetries: 0, probeIntervalMs: 50 });
    const pipeline = createPipeline({ exporters: [exporter], exitSafety: false, logger: false, maxBufferBytes: cap });
    let peak = 0;
    pipeline.run(() => {
      for (let i = 0; i < 500_000; i++) {
        step(i);
        if (i % 10_000 === 0) peak = Math.max(peak, pipeline.metrics().bufferedBytes);
      }
    }, { requestId: 'big' });
    expect(peak).toBeLessThanOrEqual(cap + 2 * 1024 * 1024);
    expect(pipeline.metrics().dropped).toEqual({});
    await pipeline.flush();
    expect(exporter.stats().spoolEvents).toBe(1_000_001); // and the request's end
    const receiver = await startReceiver({ outDir: out, port, maxBodyBytes: 64 * 1024 * 1024 });
    cleanups.push(async () => {
      await pipeline.shutdown();
      await receiver.close();
    });
    await receiver.waitFor(1_000_001);
    expect(receiver.stats.accepted).toBe(1_000_001);
    expect(receiver.stats.duplicates).toBe(0);
  }, 180_000);
});
