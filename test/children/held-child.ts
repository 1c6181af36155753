/**
 * A traced program whose processors hold events when it ends. argv: <out file> <processor> <mode>
 * processor: reorder (holds everything for a minute), tailSample (a request still in flight),
 * groupBy (a group still open). mode: exit (process.exit), uncaught (an uncaught exception),
 * signal (wait for SIGTERM / SIGINT), natural (the program just ends).
 * Prints `recorded <n>` (events the program recorded) before it ends.
 */
import { jsonlExporter } from '../../exporters/jsonl.js';
import { groupBy } from '../../processors/group-by.js';
import { reorder } from '../../processors/reorder.js';
import { tailSample } from '../../processors/tail-sample.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';
import type { Processor } from '../../src/pipeline/exporter-types.js';

const [out, name, mode] = process.argv.slice(2) as [string, string, string];
const processors: Record<string, () => Processor> = {
  reorder: () => reorder({ maxDelayMs: 60_000 }),
  tailSample: () => tailSample(),
  groupBy: () => groupBy({ boundary: () => false }),
};
const pipeline = createPipeline({ processors: [processors[name]!()], exporters: [jsonlExporter({ path: out })], logger: false });
const step = op('step', (i: number) => ({ i }));
const failing = op('failing', () => {
  throw new Error('kept by tailSample: the request has an error');
});
const forever = op('forever', () => new Promise(() => {}));

// A request still in flight: its run never settles.
void pipeline.run(async () => {
  for (let i = 0; i < 500; i++) step(i);
  try {
    failing();
  } catch {
    // recorded as an error
  }
  await forever();
}, { requestId: 'in-flight' });

const recorded = pipeline.metrics().emitted;
if (mode === 'signal') {
  process.stdout.write(`recorded ${recorded}\n`);
  setInterval(() => {}, 1000);
} else if (mode === 'exit') {
  process.stdout.write(`recorded ${recorded}\n`);
  process.exit(0);
} else if (mode === 'uncaught') {
  process.stdout.write(`recorded ${recorded}\n`);
  setImmediate(() => {
    throw new Error('the program crashed');
  });
} else {
  process.stdout.write(`recorded ${recorded}\n`);
}
