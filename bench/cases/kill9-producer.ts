/**
 * Child process of bench/kill9.ts. argv: <url> <spoolDir> <writeAhead true|false> <mode produce|recover>
 * produce: traces 20 calls every 5 ms (≈ 8,000 events/s), one request per chunk, and after each
 * chunk writes `emitted <n> <epoch ms>` (events recorded so far) with a synchronous write, until
 * it is killed.
 * recover: starts the same exporter on the same spool (which resends what it holds), flushes,
 * shuts down and prints `recovered`.
 */
import { writeSync } from 'node:fs';
import { httpExporter } from '../../exporters/http.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';

const [url, spoolDir, writeAheadText, mode] = process.argv.slice(2) as [string, string, string, string];
// The user's defaults for retries and backoff: batches wait behind a failing send as they would in production.
const exporter = httpExporter({ url, spoolDir, writeAhead: writeAheadText === 'true', probeIntervalMs: 50 });
const pipeline = createPipeline({ exporters: [exporter], logger: false, batch: { maxEvents: 200 } });

if (mode === 'recover') {
  await pipeline.flush();
  await pipeline.shutdown();
  writeSync(1, 'recovered\n');
} else {
  const step = op('step', (i: number) => ({ i, text: 'a traced call with a little payload' }));
  let i = 0;
  let chunk = 0;
  const tick = () => {
    pipeline.run(() => {
      for (let k = 0; k < 20; k++) step(i++);
    }, { requestId: `kill9-${process.pid}-${chunk++}` });
    writeSync(1, `emitted ${pipeline.metrics().emitted} ${Date.now()}\n`);
    setTimeout(tick, 5);
  };
  tick();
}
