/**
 * A traced program sending to an HTTP endpoint with a write-ahead spool, for the crash test.
 * argv: <url> <spoolDir> <mode>; mode `emit`: emit forever, printing `durable <n>` (events safe
 * in the spool or acknowledged) after each chunk; mode `resume`: emit nothing, resend what the
 * spool holds, print the exporter's stats as JSON, and exit.
 */
import { httpExporter } from '../../exporters/http.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';

const [url, spoolDir, mode] = process.argv.slice(2) as [string, string, string];
const exporter = httpExporter({ url, spoolDir, writeAhead: true, maxRetries: 0, probeIntervalMs: 20, timeoutMs: 500 });
const pipeline = createPipeline({ exporters: [exporter], logger: false, batch: { maxEvents: 100, maxAgeMs: 5 }, maxBufferBytes: 256 * 1024 });
const step = op('step', (i: number) => ({ i }));

if (mode === 'emit') {
  let i = 0;
  const chunk = () => {
    pipeline.run(() => {
      for (let k = 0; k < 100; k++) step(i++);
    }, { requestId: 'crash' });
    setImmediate(() => {
      const s = exporter.stats();
      process.stdout.write(`durable ${s.spoolEvents + s.sentEvents} emitted ${i * 2}\n`);
      setImmediate(chunk);
    });
  };
  chunk();
} else {
  await pipeline.flush();
  process.stdout.write(JSON.stringify(exporter.stats()) + '\n');
  await pipeline.shutdown();
}
