/**
 * A traced program in the working directory it is started in, with the default spool
 * (`.optrail/spool/...` under that directory), for test/delivery/spool-destination.test.ts.
 * argv: <http|otlp> <url> <label> <emit|resume> [apiKey]; `emit` records a request of 5 steps
 * labelled <label> (the request id for http, the service name for otlp), `resume` records none and
 * only resends what its spool holds. Prints the exporter's stats as JSON after a flush.
 */
import { httpExporter } from '../../exporters/http.js';
import { otlpExporter } from '../../exporters/otlp.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';

const [kind, url, label, mode, apiKey] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const delivery = { maxRetries: 0, timeoutMs: 5000, probeIntervalMs: 20 };
const exporter =
  kind === 'http'
    ? httpExporter({ url, ...delivery, ...(apiKey ? { apiKey } : {}) })
    : otlpExporter({ url, serviceName: label, ...delivery, ...(apiKey ? { headers: { 'x-api-key': apiKey } } : {}) });
const pipeline = createPipeline({ exporters: [exporter], logger: false });
const step = op('step', (i: number) => ({ i }));
// Holds the event loop while this script awaits optrail (issue 14 §1 is fixed elsewhere).
const keepAlive = setInterval(() => {}, 1000);

if (mode === 'emit') {
  await pipeline.run(() => {
    for (let i = 0; i < 5; i++) step(i);
  }, { requestId: label });
}
await pipeline.flush();
const report = await pipeline.shutdown();
process.stdout.write(JSON.stringify({ stats: exporter.stats(), errors: report.errors }) + '\n');
clearInterval(keepAlive);
