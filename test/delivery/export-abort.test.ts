/**
 * Issue 14 §5: one export call at a time, abortable. A call that outlives `exportTimeoutMs` has
 * its signal aborted; the next call starts only once it has settled, or once it ignored the abort
 * for the grace (`EXPORT_ABORT_GRACE_MS`, or `exportTimeoutMs` when shorter); a loss is counted
 * once, only for a batch given up. Before, a timed-out call kept running while the next started
 * (calls piled up) and its batch was counted as dropped although it could still arrive.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpExporter } from '../../exporters/http.js';
import { HttpDelivery, splitNdjson } from '../../src/delivery/http-delivery.js';
import { DEFAULT_RETRY_POLICY } from '../../src/delivery/retry-policy.js';
import { DiskSpool } from '../../src/delivery/spool.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';
import type { ExportOptions, Exporter, TraceEvent } from '../../src/pipeline/exporter-types.js';
import { tempDir } from '../helpers.js';

const step = op('step', (i: number) => i);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Wraps `body` to count the calls under way at once and remember each call's batch and signal. */
function counting(name: string, body: (batch: readonly TraceEvent[], signal: AbortSignal, call: number) => void | Promise<void>) {
  const seen = { active: 0, maxActive: 0, calls: [] as Array<{ size: number; signal: AbortSignal; earlierAborted: boolean[] }> };
  const exporter: Exporter = {
    name,
    export(batch, options?: ExportOptions) {
      // (A signal that never aborts when none is passed, so the same scenario runs on code without signals.)
      const signal = options?.signal ?? new AbortController().signal;
      seen.calls.push({ size: batch.length, signal, earlierAborted: seen.calls.map((c) => c.signal.aborted) });
      seen.active++;
      seen.maxActive = Math.max(seen.maxActive, seen.active);
      let result: void | Promise<void>;
      try {
        result = body(batch, signal, seen.calls.length - 1);
      } catch (error) {
        seen.active--;
        throw error;
      }
      if (result instanceof Promise) return result.finally(() => seen.active--);
      seen.active--;
    },
  };
  return { exporter, seen };
}

/** 5 ops and the request's end: 11 events, in batches of `maxEvents`. */
function pipelineFor(exporter: Exporter, maxEvents: number, exportTimeoutMs = 20, shutdownTimeoutMs?: number) {
  const pipeline = createPipeline({ exporters: [exporter], exitSafety: false, logger: false, exportTimeoutMs, shutdownTimeoutMs, batch: { maxEvents, maxAgeMs: 0 } });
  cleanups.push(async () => void (await pipeline.shutdown()));
  pipeline.run(() => {
    for (let i = 0; i < 5; i++) step(i);
  });
  return pipeline;
}

/** Settles when `signal` aborts: a rejection with its reason. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

describe('one export call at a time, abortable', () => {
  it('an exporter that honours the signal: calls never overlap, only the aborted batch is lost, once', async () => {
    // The first call waits until aborted and rejects with the reason; the others deliver.
    const { exporter, seen } = counting('honours', (_batch, signal, call) => (call === 0 ? untilAborted(signal) : undefined));
    const pipeline = pipelineFor(exporter, 4);
    await pipeline.flush();
    expect(seen.calls.map((c) => c.size)).toEqual([4, 4, 3]);
    expect(seen.maxActive).toBe(1);
    expect(seen.calls[1]!.earlierAborted).toEqual([true]); // the second call came after the first was aborted
    const metrics = pipeline.metrics();
    expect(metrics.dropped).toEqual({ 'export_failed:honours': 4 });
    expect(metrics.exporters.honours).toMatchObject({ exported: 7, failures: 1 });
    expect(pipeline.errors().map((e) => `${e.source}: ${e.message}`)).toEqual(['exporter:honours.export: TimeoutError: honours.export took longer than 20 ms']);
  });

  it('a call that resolves after its abort delivered its batch: no loss counted, still one call at a time', async () => {
    // Ignores the signal's meaning but settles soon after it: the batch arrived.
    const { exporter, seen } = counting('late', (_batch, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => setImmediate(resolve), { once: true })));
    const pipeline = pipelineFor(exporter, 2);
    await pipeline.flush();
    expect(seen.calls.map((c) => c.size)).toEqual([2, 2, 2, 2, 2, 1]);
    expect(seen.maxActive).toBe(1); // before: every call timed out and the next started while it ran
    expect(pipeline.metrics().dropped).toEqual({});
    expect(pipeline.metrics().exporters.late).toMatchObject({ exported: 11, failures: 0 });
  });

  it('an exporter that never settles and ignores the signal: each call counted hung after the grace, its batch lost once, flush returns', async () => {
    const { exporter, seen } = counting('stuck', () => new Promise<void>(() => {}));
    const pipeline = pipelineFor(exporter, 4);
    await pipeline.flush();
    expect(seen.calls.map((c) => c.size)).toEqual([4, 4, 3]);
    // Each call started only after the one before had been aborted (and ignored it for the grace).
    expect(seen.calls.map((c) => c.earlierAborted)).toEqual([[], [true], [true, true]]);
    const metrics = pipeline.metrics();
    expect(metrics.dropped).toEqual({ 'export_hung:stuck': 11 });
    expect(metrics.exporters.stuck).toMatchObject({ exported: 0, failures: 3, queueDepth: 0 });
    expect(pipeline.errors().map((e) => `${e.message} ×${e.count}`)).toEqual([
      'TimeoutError: stuck.export took longer than 20 ms ×3',
      'ignored its abort signal for 20 ms: counted as hung, its batch as lost (export_hung), the next call goes on ×3',
    ]);
  });

  it('shutdown with a call under way: the call is aborted, what was never handed over is counted, shutdown returns', async () => {
    // Never settles, ignores the signal; no exportSync, so sealed batches cannot be written at shutdown.
    const { exporter, seen } = counting('stuck', () => new Promise<void>(() => {}));
    const pipeline = createPipeline({ exporters: [exporter], exitSafety: false, logger: false, exportTimeoutMs: 60_000, shutdownTimeoutMs: 100, batch: { maxEvents: 4, maxAgeMs: 0 } });
    pipeline.run(() => {
      for (let i = 0; i < 5; i++) step(i);
    });
    const report = await pipeline.shutdown();
    expect(seen.calls).toHaveLength(1);
    expect(seen.calls[0]!.signal.aborted).toBe(true);
    expect(report.metrics.dropped).toEqual({ 'export_hung:stuck': 4, 'unsent_at_shutdown:stuck': 7 });
    expect(report.metrics.exporters.stuck!.queueDepth).toBe(0);
  });

  it('HttpDelivery honours the signal: the request under way is aborted (the server sees it close) and the batch is spooled', async () => {
    const server = await silentServer();
    const spoolDir = tempDir('optrail-abort-spool-');
    const delivery = new HttpDelivery({
      url: server.url,
      headers: {},
      contentType: 'application/x-ndjson',
      gzip: false,
      timeoutMs: 600_000, // only the signal can end the request within the test
      retry: { ...DEFAULT_RETRY_POLICY, maxRetries: 0 },
      budgetMs: 600_000,
      spool: new DiskSpool(spoolDir, 1 << 30),
      writeAhead: false,
      probeIntervalMs: 600_000,
      split: splitNdjson,
      report: () => {},
    });
    const controller = new AbortController();
    const delivered = delivery.deliver(Buffer.from('{"a":1}\n{"a":2}\n'), 2, controller.signal);
    await server.gotRequest;
    controller.abort(new Error('deadline'));
    await delivered; // resolves: the batch is safe in the spool
    await server.requestClosed; // without the abort the socket stays open for the 10-minute HTTP timeout
    expect(delivery.stats).toMatchObject({ sentEvents: 0, spooledEvents: 2 });
    await delivery.shutdown(0);
    expect(new DiskSpool(spoolDir, 1 << 30).stats.recoveredEvents).toBe(2);
  }, 20_000);

  it('httpExporter at shutdown: the export under way is aborted, its batch spooled, nothing counted lost or hung', async () => {
    const server = await silentServer();
    const exporter = httpExporter({ url: server.url, spoolDir: tempDir('optrail-abort-spool-'), timeoutMs: 600_000, maxRetries: 0, probeIntervalMs: 600_000, shutdownDeadlineMs: 50 });
    const pipeline = pipelineFor(exporter, 11, 600_000, 400); // one batch of 11, sealed at once
    await server.gotRequest;
    const report = await pipeline.shutdown();
    await server.requestClosed;
    expect(report.metrics.dropped).toEqual({});
    expect(report.metrics.exporters.http).toMatchObject({ exported: 11, failures: 0 });
    expect(exporter.stats()).toMatchObject({ sentEvents: 0, spooledEvents: 11, spoolEvents: 11 });
  }, 20_000);
});

/** A server that reads each request and never answers; says when the first arrives and when its socket closes. */
async function silentServer() {
  let got!: () => void;
  let closed!: () => void;
  const gotRequest = new Promise<void>((resolve) => (got = resolve));
  const requestClosed = new Promise<void>((resolve) => (closed = resolve));
  const server = createServer((request) => {
    request.resume();
    request.socket.once('close', () => closed());
    got();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`, gotRequest, requestClosed };
}
