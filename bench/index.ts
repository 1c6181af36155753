/**
 * `npm run bench`: optrail beside OpenTelemetry JS in one run, each case in fresh processes,
 * medians of repeated runs with min–max, the ratio, and the target it is held to (issue 7).
 * `npm run bench -- --quick` runs smaller counts (a smoke run, not a measurement).
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { runCase } from './lib/child.js';
import { summarize, type Summary } from './lib/stats.js';
import { mib, range, table } from './lib/table.js';
import { printLlmIntegrations } from './sections/llm-integrations.js';

const quick = process.argv.includes('--quick');
const iterations = quick ? 20_000 : 200_000;
const reps = quick ? 3 : 7;
const loopCalls = quick ? 100_000 : 1_000_000;
/** Fresh processes per side for the cases measured once per process (4, 5): at least 5 in a full run. */
const processReps = quick ? 2 : 5;
const repeat = <T>(n: number, run: (rep: number) => T): T[] => Array.from({ length: n }, (_, rep) => run(rep));
const dir = mkdtempSync(join(tmpdir(), 'optrail-bench-'));
const rows: Array<Array<string | number>> = [];
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}, ${mib(totalmem())} RAM, Node ${process.version}, ${process.platform}/${process.arch}`);
console.log(`${quick ? 'QUICK (smoke) run' : 'full run'}: medians of ${reps} repetitions after a warm-up, each side in its own process\n`);

type CallResult = { nsPerCall: number[]; delivered: number; attempted: number; producingNsPerCall: number };
const call = (side: string, sink: string, shape = 'sync', gzip = false) =>
  runCase<CallResult>('traced-call.ts', [side, sink, iterations, reps, join(dir, `${side}-${sink}-${shape}-${gzip}.jsonl${gzip ? '.gz' : ''}`), shape, String(gzip)]);
const compare = (name: string, mine: Summary, peer: Summary, target: number, extra = '') => {
  const ratio = mine.median / peer.median;
  rows.push([name, range(mine), range(peer), ratio.toFixed(2), `≤ ${target}`, verdict(ratio <= target) + extra]);
};

const syncNoop = [call('optrail', 'noop'), call('otel', 'noop')] as const;
compare('1. sync call → no-op sink (per call)', summarize(syncNoop[0].nsPerCall), summarize(syncNoop[1].nsPerCall), 0.33, ` (delivered ${((syncNoop[1].delivered / syncNoop[1].attempted) * 100).toFixed(1)} % on the OTel side)`);
const asyncNoop = [call('optrail', 'noop', 'async'), call('otel', 'noop', 'async')] as const;
compare('2. async call, one await → no-op sink', summarize(asyncNoop[0].nsPerCall), summarize(asyncNoop[1].nsPerCall), 0.4);
const file = [call('optrail', 'file'), call('otel', 'file')] as const;
compare('3. sync call → JSON Lines file', summarize(file[0].nsPerCall), summarize(file[1].nsPerCall), 0.4);
const gzipFile = call('optrail', 'file', 'sync', true);

type HeapResult = { bytesPerItem: number; held: number; packed: number; dropped: number };
const heapCalls = quick ? 20_000 : 100_000;
const heapRuns = (side: string) => repeat(processReps, () => runCase<HeapResult>('heap-per-event.ts', [side, heapCalls], ['--expose-gc']));
const heapMineRuns = heapRuns('optrail');
const heapObjects = summarize(heapRuns('optrail-objects').map((r) => r.bytesPerItem));
const heapOtel = summarize(heapRuns('otel').map((r) => r.bytesPerItem));
const heapMine = summarize(heapMineRuns.map((r) => r.bytesPerItem));
const heapRatio = heapMine.median / heapOtel.median;
const objectsRatio = heapObjects.median / heapOtel.median;
const packedShare = `${((Math.min(...heapMineRuns.map((r) => r.packed / r.held))) * 100).toFixed(0)} % or more packed, ${Math.max(...heapMineRuns.map((r) => r.dropped))} dropped`;
rows.push(['5. memory per event (optrail) / per ended span (OTel) awaiting export, default options', range(heapMine, 'B'), range(heapOtel, 'B'), heapRatio.toFixed(2), '≤ 0.3', `${verdict(heapRatio <= 0.3)} (${packedShare})`]);
rows.push(['   the same, every event kept as objects (packing off, no cap)', range(heapObjects, 'B'), range(heapOtel, 'B'), objectsRatio.toFixed(2), '', 'for reference']);
console.log(table(['case', 'optrail median (min–max)', 'OpenTelemetry median (min–max)', 'ratio', 'target', ''], rows));

const eventsPerSecond = (nsPerCall: number) => 2e9 / nsPerCall;
const perSecond = (s: Summary) => `${Math.round(s.median).toLocaleString('en')} (${Math.round(s.min).toLocaleString('en')}–${Math.round(s.max).toLocaleString('en')})`;
const plainProducing = file[0].producingNsPerCall;
const gzipProducing = gzipFile.producingNsPerCall;
const gzipLoss = 1 - plainProducing / gzipProducing;
const fileRate = summarize(file[0].nsPerCall.map(eventsPerSecond));
console.log(`\n3. end to end into a JSON Lines file: ${perSecond(fileRate)} events/s (target ≥ 1,000,000: ${verdict(fileRate.median >= 1e6)}).`);
console.log(`   gzip: the producing thread spends ${gzipProducing.toFixed(0)} ns per call instead of ${plainProducing.toFixed(0)} (${gzipLoss > 0 ? `${(gzipLoss * 100).toFixed(0)} % of its plain throughput lost` : `no loss: ${(-gzipLoss * 100).toFixed(0)} % faster than plain, within noise`}; target ≤ 30 %: ${verdict(gzipLoss <= 0.3)}).`);

type LoopResult = { callsInFile: number; calls: number; seconds: number; peakHeapGrowth: number; capBytes: number };
const loopRuns = (side: string) => repeat(processReps, (rep) => runCase<LoopResult>('never-yields.ts', [side, loopCalls, join(dir, `loop-${side}-${rep}.jsonl`)], ['--expose-gc']));
const loopMine = loopRuns('optrail');
const loopOtel = loopRuns('otel');
const loopRow = (side: string, runs: LoopResult[], cap: boolean) => {
  const inFile = Math.min(...runs.map((r) => r.callsInFile));
  const heap = summarize(runs.map((r) => r.peakHeapGrowth));
  const heapText = `${mib(heap.median)} (${mib(heap.min)}–${mib(heap.max)})${cap ? ` (cap ${mib(runs[0]!.capBytes)})` : ''}`;
  return [side, inFile, `${((inFile / loopCalls) * 100).toFixed(2)} %`, heapText, range(summarize(runs.map((r) => r.seconds * 1000)), 'ms')];
};
console.log(`\n4. ${loopCalls.toLocaleString('en')} traced calls in a loop that never yields, JSON Lines file (${processReps} runs per side; the fewest calls found in a file):`);
console.log(table(['side', 'calls in the file', 'delivered', 'peak heap growth median (min–max)', 'wall median (min–max)'], [loopRow('optrail', loopMine, true), loopRow('OpenTelemetry', loopOtel, false)]));
console.log(`   every event in the file: ${verdict(loopMine.every((r) => r.callsInFile === loopCalls))}; heap growth under the cap: ${verdict(loopMine.every((r) => r.peakHeapGrowth < r.capBytes))}.`);

type ReplayResult = { events: number; eventsPerSecond: number[]; keptEventsPerSecond: number[]; readValidateSeconds: number; treeSeconds: number };
const replay = runCase<ReplayResult>('replay.ts', [quick ? 200_000 : 1_000_000, join(dir, 'replay.jsonl.gz'), processReps]);
const streamedRate = summarize(replay.eventsPerSecond);
const keptRate = summarize(replay.keptEventsPerSecond);
console.log(`\n6. replay: read + validate + build the tree of a ${replay.events.toLocaleString('en')}-event .jsonl.gz with readTrees: ${perSecond(streamedRate)} events/s over ${processReps} reads (target ≥ 500,000: ${verdict(streamedRate.median >= 500_000)}).`);
console.log(`   keeping every event, then buildTree: ${perSecond(keptRate)} events/s (last read: read+validate ${replay.readValidateSeconds.toFixed(2)} s, tree ${replay.treeSeconds.toFixed(2)} s).`);

type RedactResult = { baseline: number[]; redacted: number[]; floor: number[]; peer: number[]; payloadBytes: number };
const red = runCase<RedactResult>('redact.ts', [quick ? 20_000 : 100_000, reps]);
const redactBase = summarize(red.baseline).median;
const redactNs = summarize(red.redacted.map((ns) => ns - redactBase));
const anonymizerNs = summarize(red.peer);
const redactFloor = summarize(red.floor.map((ns) => ns - redactBase));
console.log(`7. redact() with the default detectors, ${red.payloadBytes}-byte payloads: ${range(redactNs)} per event over a pass-through operator (target ≤ 1000 ns: ${verdict(redactNs.median <= 1000)}).`);
console.log(`   floor: what any redaction of these events does at least (one class test per string, the \`session\` value replaced, three frozen copies): ${range(redactFloor)} per event; redact() is ${(redactNs.median / redactFloor.median).toFixed(2)} × the floor.`);
console.log(`   peer: LangSmith's anonymizer with its default rules (createSecretAnonymizer, credentials only) on the same payloads: ${range(anonymizerNs)} per event; ratio ${(redactNs.median / anonymizerNs.median).toFixed(2)}.`);

type DetectorsResult = {
  adversarial: Record<string, { all: number; credentials: number }>;
  ordinary: Record<string, { bytes: number; allNsPerByte: number; credentialsNsPerByte: number; allNsPerString: number; credentialsNsPerString: number }>;
  mayHold: { payloadStrings: number; prose: number; ids: number; passes: number };
};
const det = runCase<DetectorsResult>('detectors.ts', [reps, quick ? 50_000 : 200_000]);
const worst = Object.entries(det.adversarial).sort((a, b) => b[1].all - a[1].all)[0]!;
console.log(`7c. the secret scanner on 1 MB adversarial strings, ns per byte, all detectors / credentials only (issue 15 §6: linear, so flat in size; test/redaction/linear-time.test.ts counts the steps):`);
console.log(table(['string (1 MB)', 'all detectors', 'credentials'], Object.entries(det.adversarial).map(([name, r]) => [name, r.all.toFixed(1), r.credentials.toFixed(1)])));
console.log(`   worst: ${worst[0]} at ${worst[1].all.toFixed(1)} ns/byte. Ordinary ≈ 200-byte strings: ${Object.entries(det.ordinary).map(([name, r]) => `${name} ${r.allNsPerString.toFixed(0)} ns (all) / ${r.credentialsNsPerString.toFixed(0)} ns (credentials)`).join('; ')}. First look (mayHold) per string: ${det.mayHold.payloadStrings.toFixed(0)} ns on the payload strings, ${det.mayHold.prose.toFixed(0)} ns on prose, ${det.mayHold.ids.toFixed(0)} ns on the ids string.`);

type DefaultRedactionResult = { results: Record<string, { on: number[]; off: number[] }>; redacted: Record<string, number> | undefined };
const defaults = runCase<DefaultRedactionResult>('default-redaction.ts', [quick ? 20_000 : 100_000, reps]);
console.log(`7b. the default credential redaction while capturing (redactCredentials, on in every pipeline), per event over the same pipeline with it off, interleaved in one process:`);
console.log(
  table(
    ['payload', 'on − off per event median (min–max)', 'target', ''],
    Object.entries(defaults.results).map(([name, r]) => {
      const off = summarize(r.off).median;
      const extra = summarize(r.on.map((ns) => ns - off));
      return [name, range(extra), '≤ 150 ns', verdict(extra.median <= 150)];
    }),
  ),
);
const otelSync = summarize(syncNoop[1].nsPerCall).median;
const defaultRatio = summarize(syncNoop[0].nsPerCall).median / otelSync;
console.log(`   case 1 runs with it on (the default): the traced call is ${defaultRatio.toFixed(2)} × OpenTelemetry's in this run (target ≤ 0.6: ${verdict(defaultRatio <= 0.6)}).`);

type GeneratorResult = { bare: number[]; wrapped: number[] };
const overBare = (result: GeneratorResult) => {
  const bare = summarize(result.bare).median;
  return summarize(result.wrapped.map((ns) => ns - bare));
};
const perYield = overBare(runCase<GeneratorResult>('generator.ts', [reps]));
console.log(`8. generator op, 10,000 yields, every yield emitted: ${range(perYield)} per yield over the bare generator (target ≤ 300 ns: ${verdict(perYield.median <= 300)}).`);
const asyncMine = overBare(runCase<GeneratorResult>('generator.ts', [reps, 'optrail-async']));
const asyncPeer = overBare(runCase<GeneratorResult>('generator.ts', [reps, 'langsmith-async']));
console.log(`   async generator, the peer side by side (LangSmith's traceable; no target): optrail ${range(asyncMine)} per yield, every yield emitted; LangSmith ${range(asyncPeer)} per yield, one run with every chunk in its outputs posted at the end (a no-op fetch); each over the bare async generator with AsyncLocalStorage's promise hooks on; ratio ${(asyncMine.median / asyncPeer.median).toFixed(2)}.`);

type FloorResult = { eventsPerSecond: number };
const floorEvents = quick ? 100_000 : 1_000_000;
const pinoRate = runCase<FloorResult>('floor.ts', ['pino', floorEvents, join(dir, 'pino.log')]).eventsPerSecond;
const handRate = runCase<FloorResult>('floor.ts', ['handwritten', floorEvents, join(dir, 'floor.jsonl')]).eventsPerSecond;
const optrailRate = fileRate.median;
console.log(`\nfloors, equivalent JSON lines to a file: pino ${Math.round(pinoRate).toLocaleString('en')} lines/s; hand-written (frozen object, batched JSON.stringify, writeSync) ${Math.round(handRate).toLocaleString('en')} lines/s; optrail ${Math.round(optrailRate).toLocaleString('en')} events/s.`);

type PrimitivesResult = { clock: number; freeze: number; alsRun: number; stringify: number; parseKeep: number; parseDiscard: number; lineBytes: number };
const prim = runCase<PrimitivesResult>('primitives.ts', [reps, quick ? 100_000 : 500_000]);
const otelCall = summarize(syncNoop[1].nsPerCall).median;
const required = 2 * prim.clock + 7 * prim.freeze + prim.alsRun;
const ns = (value: number) => `${value.toFixed(0)} ns`;
console.log(`
what the targets rest on, measured here (bench/cases/primitives.ts, medians): a clock read ${ns(prim.clock)}, Object.freeze ${ns(prim.freeze)}, AsyncLocalStorage.run ${ns(prim.alsRun)}, JSON.stringify of a ${prim.lineBytes}-byte event ${ns(prim.stringify)}, JSON.parse of it ${ns(prim.parseDiscard)} (${ns(prim.parseKeep)} when every event is kept).`);
console.log(`   1. two clock reads + 7 frozen objects + one context run = ${ns(required)} = ${(required / otelCall).toFixed(2)} × OpenTelemetry's call; the 0.33 target leaves ${ns(0.33 * otelCall - required)} for everything else (optrail's call: ${ns(summarize(syncNoop[0].nsPerCall).median)}).`);
console.log(`   3. 1,000,000 events/s leaves 1000 ns per event, serialization, clock and freezing included; JSON.stringify alone takes ${ns(prim.stringify)}.`);
console.log(`   6. 500,000 events/s leaves 2000 ns per event for gunzip, parse, validation, freezing and the tree; JSON.parse keeping the events takes ${ns(prim.parseKeep)}.`);

type HttpResult = { eventsPerSecond: number; producingNsPerCall: number };
const httpCalls = quick ? 20_000 : 100_000;
const plainHttp = runCase<HttpResult>('http-delivery.ts', ['false', httpCalls]);
const walHttp = runCase<HttpResult>('http-delivery.ts', ['true', httpCalls]);
console.log(`\nhttpExporter → local receiver in the same process (gzip NDJSON, ${httpCalls.toLocaleString('en')} calls):`);
console.log(
  table(
    ['variant', 'events/s delivered', 'producer ns per call'],
    [
      ['default (spool on failure)', Math.round(plainHttp.eventsPerSecond), Math.round(plainHttp.producingNsPerCall)],
      ['writeAhead: true', Math.round(walHttp.eventsPerSecond), Math.round(walHttp.producingNsPerCall)],
    ],
  ),
);

type GzipResult = { batchBytes: number; results: Record<string, { mbps: Summary; ratio: number }> };
const gz = runCase<GzipResult>('gzip.ts', []);
console.log(`\ngzip of a ${mib(gz.batchBytes)} batch of JSON lines (what the producing thread pays):`);
console.log(table(['variant', 'MB/s median (min–max)', 'compressed size'], Object.entries(gz.results).map(([name, r]) => [name, range(r.mbps, 'MB/s'), `${(r.ratio * 100).toFixed(1)} %`])));

printLlmIntegrations(quick);
