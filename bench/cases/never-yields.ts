/**
 * Child process: N traced calls in a loop that never yields, into a JSON Lines file.
 * argv: <side> <calls> <out>. Prints events that reached the file and peak heap growth.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { op, createPipeline } from '../../index.js';
import { jsonlExporter } from '../../exporters/index.js';
import { JsonlSpanExporter, otelTracer } from '../lib/otel.js';

const [side, callsText, out] = process.argv.slice(2) as [string, string, string];
const calls = Number(callsText);
const work = (args: { query: string; limit: number; exact: boolean }) => ({ hits: args.limit });
const args = { query: 'weather in lisbon', limit: 3, exact: false };

globalThis.gc?.();
const baseHeap = process.memoryUsage().heapUsed;
let peakHeap = baseHeap;
const sample = () => {
  const used = process.memoryUsage().heapUsed;
  if (used > peakHeap) peakHeap = used;
};

const start = process.hrtime.bigint();
let capBytes = 0;
if (side === 'optrail') {
  capBytes = 64 * 1024 * 1024;
  const pipeline = createPipeline({ exporters: [jsonlExporter({ path: out })], exitSafety: false, maxBufferBytes: capBytes });
  const traced = op('work', work);
  pipeline.run(() => {
    for (let i = 0; i < calls; i++) {
      traced(args);
      if (i % 10_000 === 0) sample();
    }
  });
  sample();
  await pipeline.shutdown();
} else {
  const exporter = new JsonlSpanExporter(out);
  const { tracer, provider } = otelTracer(exporter);
  for (let i = 0; i < calls; i++) {
    tracer.startActiveSpan('work', (span) => {
      span.setAttribute('query', args.query);
      span.setAttribute('limit', args.limit);
      span.setAttribute('exact', args.exact);
      span.setAttribute('result', JSON.stringify(work(args)));
      span.end();
    });
    if (i % 10_000 === 0) sample();
  }
  sample();
  await provider.forceFlush();
  await provider.shutdown();
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const lines = countLines(out);
// optrail: op_start and op_end per call, and the request's end marker once.
const callsInFile = side === 'optrail' ? (lines - 1) / 2 : lines;
process.stdout.write(JSON.stringify({ callsInFile, calls, seconds, peakHeapGrowth: peakHeap - baseHeap, capBytes }) + '\n');

/** Newlines in a file, read in 1 MiB chunks (the file may be larger than a string can hold). */
function countLines(path: string): number {
  const fd = openSync(path, 'r');
  const chunk = Buffer.allocUnsafe(1 << 20);
  let count = 0;
  for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
    for (let i = chunk.indexOf(10); i !== -1 && i < read; i = chunk.indexOf(10, i + 1)) count++;
  }
  closeSync(fd);
  return count;
}
