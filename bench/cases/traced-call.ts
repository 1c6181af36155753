/**
 * Child process: one side of the "traced call" cases. argv: <side> <sink> <iterations> <reps> [out] [shape] [gzip]
 * side: optrail | otel; sink: noop | file; shape: sync (default) | async (awaits once);
 * gzip: true to compress the file. Prints one JSON line of results.
 */
import { op, createPipeline, type Exporter } from '../../index.js';
import { jsonlExporter } from '../../exporters/index.js';
import { CountingExporter, JsonlSpanExporter, otelTracer } from '../lib/otel.js';
import { measure } from '../lib/stats.js';

const [side, sink, iterationsText, repsText, out, shape = 'sync', gzipText = 'false'] = process.argv.slice(2) as [string, string, string, string, string | undefined, string?, string?];
const isAsync = shape === 'async';
const iterations = Number(iterationsText);
const reps = Number(repsText);
const CHUNK = 500; // calls between yields to the event loop, so both sides can export

type Args = { query: string; limit: number; exact: boolean };
const work = (args: Args) => ({ hits: args.limit, top: 'result-1' });
const args: Args = { query: 'weather in lisbon', limit: 3, exact: false };

let producing = 0n;
async function runChunks(call: () => unknown): Promise<void> {
  for (let done = 0; done < iterations; done += CHUNK) {
    const t = process.hrtime.bigint();
    if (isAsync) for (let i = 0; i < CHUNK; i++) await call();
    else for (let i = 0; i < CHUNK; i++) call();
    producing += process.hrtime.bigint() - t;
    if (sink === 'file') await new Promise((r) => setImmediate(r));
  }
}
const workAsync = async (a: Args) => {
  await null;
  return work(a);
};

let delivered = 0;
let results: number[];
if (side === 'optrail') {
  let count = 0;
  const counting: Exporter = { name: 'noop', export: (b) => void (count += b.length), exportSync: (b) => void (count += b.length) };
  const exporter = sink === 'file' ? jsonlExporter({ path: out! }, { gzip: gzipText === 'true' }) : counting;
  const pipeline = createPipeline({ exporters: [exporter], exitSafety: false });
  const traced = isAsync ? op('work', workAsync) : op('work', work);
  results = await measure(reps, iterations, () => pipeline.run(() => runChunks(() => traced(args))));
  const report = await pipeline.shutdown();
  delivered = report.metrics.exporters[exporter.name]!.exported / 2; // two events per call
} else {
  const exporter = sink === 'file' ? new JsonlSpanExporter(out!) : new CountingExporter();
  const { tracer, provider } = otelTracer(exporter);
  const call = isAsync
    ? () =>
        tracer.startActiveSpan('work', async (span) => {
          span.setAttribute('query', args.query);
          span.setAttribute('limit', args.limit);
          span.setAttribute('exact', args.exact);
          const result = await workAsync(args);
          span.setAttribute('result', JSON.stringify(result));
          span.end();
          return result;
        })
    : () =>
        tracer.startActiveSpan('work', (span) => {
          span.setAttribute('query', args.query);
          span.setAttribute('limit', args.limit);
          span.setAttribute('exact', args.exact);
          const result = work(args);
          span.setAttribute('result', JSON.stringify(result));
          span.end();
          return result;
        });
  results = await measure(reps, iterations, () => tracer.startActiveSpan('request', (root) => runChunks(call).then(() => root.end())));
  await provider.forceFlush();
  await provider.shutdown();
  delivered = exporter.exported - (reps + 1); // minus the root spans
}
const producingNsPerCall = Number(producing) / (iterations * (reps + 1));
process.stdout.write(JSON.stringify({ nsPerCall: results, delivered, attempted: iterations * (reps + 1), producingNsPerCall }) + '\n');
