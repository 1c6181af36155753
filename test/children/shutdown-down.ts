/**
 * A traced program whose only pending work is optrail, sending to an endpoint that is down or
 * failing, for test/delivery/shutdown-down.test.ts.
 * argv: <http|otlp> <url> <spoolDir> <shutdown|flush|open|count>. Runs one request of 5 ops (mode
 * open: and a sixth still running at shutdown), then
 * `await pipeline.flush()` (mode flush) and `await pipeline.shutdown()`, then prints
 * `after <report as JSON>`. A process that exits before that line (code 13: a top-level await
 * that never settled) lost the wait. Mode `count` records nothing: it opens the exporter on the
 * same spool, prints `spool <events found there>` and exits.
 */
import { httpExporter } from '../../exporters/http.js';
import { otlpExporter } from '../../exporters/otlp.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';

const [kind, url, spoolDir, mode] = process.argv.slice(2) as ['http' | 'otlp', string, string, 'shutdown' | 'flush' | 'open' | 'count'];
// Production retry policy (backoff from 1 s): only the small deadlines below bound the waits.
const delivery = { url, spoolDir, timeoutMs: 2000, shutdownDeadlineMs: 200 };
const exporter = kind === 'http' ? httpExporter(delivery) : otlpExporter(delivery);
if (mode === 'count') {
  process.stdout.write(`spool ${exporter.stats().spoolRecoveredEvents}\n`);
  process.exit(0);
}
// The exporter's own deadline (200 ms) bounds its wait for the endpoint; the pipeline's is only
// the outer bound, generous so a loaded machine (the whole suite on 2 cores) still sees the
// exporter finish and count its last batch before the report is taken.
const pipeline = createPipeline({ exporters: [exporter], logger: false, shutdownTimeoutMs: 10_000, exportTimeoutMs: 300 });
const step = op('step', async (i: number) => i * 2);

const pending = op('pending', () => new Promise<never>(() => {}));
await pipeline.run(async () => {
  for (let i = 0; i < 5; i++) await step(i);
  // Mode open: one op still running at shutdown (OTLP sends it as an unfinished span at shutdown).
  if (mode === 'open') void pending();
});
if (mode === 'flush') await pipeline.flush();
const report = await pipeline.shutdown();
process.stdout.write(`after ${JSON.stringify({ details: report.metrics.exporters[exporter.name]!.details, dropped: report.metrics.dropped, errors: report.errors.map((e) => e.message) })}\n`);
