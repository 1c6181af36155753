/**
 * Child process (--expose-gc): memory held per event (optrail) or per ended span (OpenTelemetry)
 * waiting for export, V8 heap plus memory outside it (packed batches are Buffers). The exporter
 * never finishes, so everything recorded stays queued.
 * argv: <side> <calls> [mode]. Sides: `optrail` (default options: batches of 512, 64 MiB cap,
 * backlog packing), `optrail-objects` (every event kept as objects: packing off, no cap), `otel`.
 * Prints one JSON line.
 */
import { createPipeline, op, type Exporter } from '../../index.js';
import { BatchSpanProcessor, BasicTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';

const [side, callsText] = process.argv.slice(2) as [string, string];
const calls = Number(callsText);
const args = { query: 'weather in lisbon', limit: 3, exact: false };
const work = (a: typeof args) => ({ hits: a.limit, top: 'result-1' });
const gc = globalThis.gc!;
const settle = () => {
  for (let i = 0; i < 3; i++) gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
};

let held = 0;
let keep: unknown;
const before = settle();
let packed = 0;
let dropped = 0;
if (side === 'optrail' || side === 'optrail-objects') {
  const stuck: Exporter = { name: 'stuck', overload: 'drop-newest', export: () => new Promise(() => {}) };
  const pipeline = createPipeline(
    side === 'optrail'
      ? { exporters: [stuck], exitSafety: false, logger: false }
      : { exporters: [stuck], exitSafety: false, logger: false, maxBufferBytes: 2 ** 40, packBacklogAt: 0, batch: { maxEvents: 10_000_000, maxBytes: 2 ** 40, maxAgeMs: 0 } },
  );
  const traced = op('work', work);
  pipeline.run(() => {
    for (let i = 0; i < calls; i++) traced(args);
  });
  const metrics = pipeline.metrics();
  held = metrics.exporters.stuck!.queueDepth;
  packed = metrics.exporters.stuck!.packedEvents;
  dropped = Object.values(metrics.dropped).reduce((a, b) => a + b, 0);
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
process.stdout.write(JSON.stringify({ bytesPerItem: (after - before) / held, held, packed, dropped }) + '\n');
