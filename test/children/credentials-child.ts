/**
 * A traced program whose endpoint URL carries credentials (`http://user:KEY@host/...`), for
 * test/delivery/credentials.test.ts. argv: <http|otlp> <url>. Logs to stderr as a user's program
 * does (the default logger), spools under its working directory, and prints what it can see of
 * optrail (errors, metrics, health, the exporter's stats, the shutdown report) as one JSON line.
 */
import { httpExporter } from '../../exporters/http.js';
import { otlpExporter } from '../../exporters/otlp.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';

const [kind, url] = process.argv.slice(2) as [string, string];
const delivery = { maxRetries: 1, initialBackoffMs: 1, maxBackoffMs: 2, timeoutMs: 5000, probeIntervalMs: 20 };
const exporter = kind === 'http' ? httpExporter({ url, ...delivery }) : otlpExporter({ url, ...delivery });
const pipeline = createPipeline({ exporters: [exporter], batch: { maxEvents: 10 } });
const step = op('step', (i: number) => ({ i }));
// Holds the event loop while this script awaits optrail (issue 14 §1 is fixed elsewhere).
const keepAlive = setInterval(() => {}, 1000);

await pipeline.run(() => {
  for (let i = 0; i < 12; i++) step(i);
}, { requestId: 'credentials' });
await pipeline.flush();
const seen = { errors: pipeline.errors(), metrics: pipeline.metrics(), health: pipeline.health(), stats: exporter.stats() };
const report = await pipeline.shutdown();
process.stdout.write(JSON.stringify({ ...seen, report }) + '\n');
clearInterval(keepAlive);
