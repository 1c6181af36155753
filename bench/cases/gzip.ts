/**
 * Child process: main-thread cost of gzip for a 1 MiB batch of realistic JSON lines, with
 * fflate and with node:zlib (sync, and async in libuv's threadpool). Prints MB/s per variant.
 */
import { gzipSync as fflateGzip } from 'fflate';
import { gzip, gzipSync } from 'node:zlib';
import { serializeBatch } from '../../src/wire/serialize.js';
import { readFileSync } from 'node:fs';
import type { TraceEvent } from '../../index.js';
import { summarize } from '../lib/stats.js';

const sample = readFileSync(new URL('../../test/fixtures/optrail-example.jsonl', import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) as TraceEvent[];
// Vary ids and values so the data compresses like real traces, not like one repeated line.
const events: TraceEvent[] = [];
for (let i = 0; events.length < 3200; i++) {
  const base = sample[i % sample.length]!;
  events.push({ ...base, event_id: `${base.request_id}-${i}`, seq: i, payload: { ...base.payload, note: Math.random().toString(36).repeat(2) } } as TraceEvent);
}
const batch = Buffer.from(serializeBatch(events));
const mb = batch.length / 1e6;
const reps = 9;

function mbPerSecond(fn: () => void): number[] {
  fn();
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = process.hrtime.bigint();
    fn();
    out.push(mb / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return out;
}

const results: Record<string, { mbps: ReturnType<typeof summarize>; ratio: number }> = {};
const ratio = (buf: Uint8Array) => buf.length / batch.length;
results['fflate level 6 (main thread)'] = { mbps: summarize(mbPerSecond(() => fflateGzip(batch, { level: 6 }))), ratio: ratio(fflateGzip(batch, { level: 6 })) };
results['fflate level 1 (main thread)'] = { mbps: summarize(mbPerSecond(() => fflateGzip(batch, { level: 1 }))), ratio: ratio(fflateGzip(batch, { level: 1 })) };
results['node:zlib level 6 sync (main thread)'] = { mbps: summarize(mbPerSecond(() => gzipSync(batch, { level: 6 }))), ratio: ratio(gzipSync(batch, { level: 6 })) };
results['node:zlib level 1 sync (main thread)'] = { mbps: summarize(mbPerSecond(() => gzipSync(batch, { level: 1 }))), ratio: ratio(gzipSync(batch, { level: 1 })) };

// Async: what the main thread pays to hand 8 batches to the threadpool, and the wall time until all are done.
const submitted: number[] = [];
const wall: number[] = [];
for (let r = 0; r < reps; r++) {
  const start = process.hrtime.bigint();
  let pending = 8;
  const done = new Promise<void>((resolve) => {
    for (let i = 0; i < 8; i++) gzip(batch, { level: 6 }, () => --pending === 0 && resolve());
  });
  submitted.push((8 * mb) / (Number(process.hrtime.bigint() - start) / 1e9));
  await done;
  wall.push((8 * mb) / (Number(process.hrtime.bigint() - start) / 1e9));
}
results['node:zlib level 6 async (main thread share)'] = { mbps: summarize(submitted), ratio: ratio(gzipSync(batch, { level: 6 })) };
results['node:zlib level 6 async (wall, threadpool)'] = { mbps: summarize(wall), ratio: ratio(gzipSync(batch, { level: 6 })) };
process.stdout.write(JSON.stringify({ batchBytes: batch.length, results }) + '\n');
