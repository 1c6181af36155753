/**
 * `npm run bench`: optrail beside OpenTelemetry JS in one run, each case in fresh processes,
 * medians of repeated runs with min–max, and the ratio optrail / OpenTelemetry.
 * `npm run bench -- --quick` runs smaller counts (a smoke run, not a measurement).
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { runCase } from './lib/child.js';
import { summarize } from './lib/stats.js';
import { mib, range, table } from './lib/table.js';

const quick = process.argv.includes('--quick');
const iterations = quick ? 20_000 : 200_000;
const reps = quick ? 3 : 7;
const loopCalls = quick ? 100_000 : 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'optrail-bench-'));

console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}, ${mib(totalmem())} RAM, Node ${process.version}, ${process.platform}/${process.arch}`);
console.log(`${quick ? 'QUICK (smoke) run' : 'full run'}: ${iterations} calls × ${reps} reps per case (after a warm-up), each side in its own process\n`);

type CallResult = { nsPerCall: number[]; delivered: number; attempted: number };
const rows: Array<Array<string | number>> = [];
for (const sink of ['noop', 'file'] as const) {
  const mine = runCase<CallResult>('traced-call.ts', ['optrail', sink, iterations, reps, join(dir, `optrail-${sink}.jsonl`)]);
  const otel = runCase<CallResult>('traced-call.ts', ['otel', sink, iterations, reps, join(dir, `otel-${sink}.jsonl`)]);
  const a = summarize(mine.nsPerCall);
  const b = summarize(otel.nsPerCall);
  rows.push([
    `sync call, 3-field object in, small object out → ${sink === 'noop' ? 'no-op sink' : 'JSON Lines file'}`,
    range(a),
    range(b),
    (a.median / b.median).toFixed(2),
    `${((mine.delivered / mine.attempted) * 100).toFixed(1)} % / ${((otel.delivered / otel.attempted) * 100).toFixed(1)} %`,
  ]);
}
console.log(table(['case (per traced call)', 'optrail median (min–max)', 'OpenTelemetry median (min–max)', 'ratio', 'delivered optrail / OTel'], rows));

type LoopResult = { callsInFile: number; calls: number; seconds: number; peakHeapGrowth: number; capBytes: number };
const loopMine = runCase<LoopResult>('never-yields.ts', ['optrail', loopCalls, join(dir, 'loop-optrail.jsonl')], ['--expose-gc']);
const loopOtel = runCase<LoopResult>('never-yields.ts', ['otel', loopCalls, join(dir, 'loop-otel.jsonl')], ['--expose-gc']);
console.log(`\n${loopCalls.toLocaleString('en')} traced calls in a loop that never yields, JSON Lines file:`);
console.log(
  table(
    ['side', 'calls in the file', 'delivered', 'peak heap growth', 'wall'],
    [
      ['optrail', loopMine.callsInFile, `${((loopMine.callsInFile / loopCalls) * 100).toFixed(2)} %`, `${mib(loopMine.peakHeapGrowth)} (cap ${mib(loopMine.capBytes)})`, `${loopMine.seconds.toFixed(2)} s`],
      ['OpenTelemetry', loopOtel.callsInFile, `${((loopOtel.callsInFile / loopCalls) * 100).toFixed(2)} %`, mib(loopOtel.peakHeapGrowth), `${loopOtel.seconds.toFixed(2)} s`],
    ],
  ),
);

type GzipResult = { batchBytes: number; results: Record<string, { mbps: { median: number; min: number; max: number }; ratio: number }> };
const gz = runCase<GzipResult>('gzip.ts', []);
console.log(`\ngzip of a ${mib(gz.batchBytes)} batch of JSON lines (what the producing thread pays):`);
console.log(
  table(
    ['variant', 'MB/s median (min–max)', 'compressed size'],
    Object.entries(gz.results).map(([name, r]) => [name, range(r.mbps, 'MB/s'), `${(r.ratio * 100).toFixed(1)} %`]),
  ),
);

type HttpResult = { eventsPerSecond: number; producingNsPerCall: number };
const httpCalls = quick ? 20_000 : 100_000;
const plainHttp = runCase<HttpResult>('http-delivery.ts', ['false', httpCalls]);
const walHttp = runCase<HttpResult>('http-delivery.ts', ['true', httpCalls]);
console.log(`\nhttpExporter → local receiver (gzip NDJSON, ${httpCalls.toLocaleString('en')} calls), end to end:`);
console.log(
  table(
    ['variant', 'events/s delivered', 'producer ns per call'],
    [
      ['default (spool on failure)', Math.round(plainHttp.eventsPerSecond), Math.round(plainHttp.producingNsPerCall)],
      ['writeAhead: true', Math.round(walHttp.eventsPerSecond), Math.round(walHttp.producingNsPerCall)],
    ],
  ),
);
