/**
 * A program with a write-ahead HTTP exporter, killed with SIGKILL by the test.
 * argv: <url> <spoolDir> <mode: produce|produce-flush|recover>
 * produce: records 50 calls in one request (100 op events and the request's end: 10 batches of
 * 10 sealed, the end alone in the open batch), prints `ready`, then waits to be killed;
 * produce-flush: the same, then flushes and prints `flushed`.
 * recover: opens the same spool (which resends what it holds), flushes, shuts down, prints `done`.
 */
import { httpExporter } from '../../exporters/http.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';

const [url, spoolDir, mode] = process.argv.slice(2) as [string, string, string];
const exporter = httpExporter({ url, spoolDir, writeAhead: true, probeIntervalMs: 60_000 });
const pipeline = createPipeline({ exporters: [exporter], logger: false, batch: { maxEvents: 10, maxAgeMs: 60_000 } });

if (mode === 'recover') {
  await pipeline.flush();
  await pipeline.shutdown();
  process.stdout.write('done\n');
} else {
  const step = op('step', (i: number) => ({ i }));
  pipeline.run(() => {
    for (let i = 0; i < 50; i++) step(i);
  }, { requestId: 'wa' });
  process.stdout.write('ready\n');
  setInterval(() => {}, 1000);
  if (mode === 'produce-flush') {
    // With the endpoint up, flush returns once every batch was sent and acknowledged.
    await pipeline.flush();
    process.stdout.write('flushed\n');
  }
}
