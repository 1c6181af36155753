/**
 * Child process: read, validate and build the tree of a recorded .jsonl.gz (written first by a
 * traced loop). argv: <events> <path> <reps>. Prints events/s of the read + validate + tree step,
 * once per repetition: with `readTrees` (one pass, no event kept) and with every event kept in an
 * array, then `buildTree`.
 */
import { createPipeline, op, readEvents, type TraceEvent } from '../../index.js';
import { jsonlExporter } from '../../exporters/index.js';
import { buildTree, readTrees } from '../../views/index.js';

const [eventsText, path, repsText = '1'] = process.argv.slice(2) as [string, string, string?];
const reps = Number(repsText);
const target = Number(eventsText);
const pipeline = createPipeline({ exporters: [jsonlExporter({ path }, { gzip: true })], exitSafety: false });
const child = op('child', (i: number) => ({ i, text: 'some result text' }));
const parent = op('parent', (n: number) => {
  for (let i = 0; i < n; i++) child(i);
});
for (let r = 0; r < target / 2002; r++) pipeline.run(() => parent(1000));
await pipeline.shutdown();

const streamedRates: number[] = [];
const keptRates: number[] = [];
let readValidateSeconds = 0;
let treeSeconds = 0;
let eventCount = 0;
let requests = 0;
for (let r = 0; r < reps; r++) {
  // readTrees: read, validate and build the trees in one pass, keeping no event.
  const streamStart = process.hrtime.bigint();
  const streamed = await readTrees(path);
  const streamEnd = process.hrtime.bigint();

  // The same from an array: every event kept, then buildTree.
  const start = process.hrtime.bigint();
  const events: TraceEvent[] = [];
  await new Promise<void>((resolve, reject) => readEvents(path).subscribe({ next: (e) => events.push(e), complete: resolve, error: reject }));
  const read = process.hrtime.bigint();
  const trees = buildTree(events);
  const end = process.hrtime.bigint();
  if (trees.length !== streamed.length) throw new Error('readTrees and buildTree disagree');
  eventCount = events.length;
  requests = trees.length;
  streamedRates.push(events.length / (Number(streamEnd - streamStart) / 1e9));
  keptRates.push(events.length / (Number(end - start) / 1e9));
  readValidateSeconds = Number(read - start) / 1e9;
  treeSeconds = Number(end - read) / 1e9;
}
process.stdout.write(JSON.stringify({ events: eventCount, requests, eventsPerSecond: streamedRates, keptEventsPerSecond: keptRates, readValidateSeconds, treeSeconds }) + '\n');
