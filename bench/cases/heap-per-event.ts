/**
 * Child process (--expose-gc): heap held per event (optrail) or per ended span (OpenTelemetry)
 * waiting for export. The exporter never finishes, so everything recorded stays queued.
 * argv: <side> <calls>. Prints one JSON line.
 */
import { createPipeline, op, type Exporter } from '../../src/index.js';
import { BatchSpanProcessor, BasicTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';

const [side, callsText] = process.argv.slice(2) as [string, string];
const calls = Number(callsText);
const args = { query: 'weather in lisbon', limit: 3, exact: false };
const work = (a: typeof args) => ({ hits: a.limit, top: 'result-1' });
const gc = globalThis.gc!;
const settle = () => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
};

let held = 0;
let keep: unknown;
const before = settle();
if (side === 'optrail') {
  const stuck: Exporter = { name: 'stuck', overload: 'drop-newest', export: () => new Promise(() => {}) };
  const pipeline = createPipeline({ exporters: [stuck], exitSafety: false, logger: false, maxBufferBytes: 2 ** 40, batch: { maxEvents: 10_000_000, maxBytes: 2 ** 40, maxAgeMs: 0 } });
  const traced = op('work', work);
  pipeline.run(() => {
    for (let i = 0; i < calls; i++) traced(args);
  });
  held = pipeline.metrics().exporters.stuck!.queueDepth;
  keep = pipeline;
} else {
  const stuck: SpanExporter = { export: (_s: ReadableSpan[], _done: unknown) => {}, shutdown: async () => {} };
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(stuck, { maxQueueSize: calls + 10, maxExportBatchSize: calls + 10, scheduledDelayMillis: 3_600_000 })],
  });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < calls; i++) {
    const span = tracer.startSpan('work');
    span.setAttribute('query', args.query);
    span.setAttribute('limit', args.limit);
    span.setAttribute('exact', args.exact);
    span.setAttribute('result', JSON.stringify(work(args)));
    span.end();
  }
  held = calls;
  keep = provider;
}
const after = settle();
void keep;
process.stdout.write(JSON.stringify({ bytesPerItem: (after - before) / held, held }) + '\n');
