/**
 * Child process: a generator op with 10,000 yields, every yield emitted, vs the bare generator;
 * ns per yield. argv: <reps> [variant]. variant: `sync` (default: optrail, a sync generator),
 * `optrail-async` or `langsmith-async` (an async generator: optrail's `op` beside the peer,
 * LangSmith's `traceable`, whose client posts to a no-op fetch).
 */
import { createPipeline, op, type Exporter } from '../../src/index.js';
import { measure } from '../lib/stats.js';

const reps = Number(process.argv[2]);
const variant = process.argv[3] ?? 'sync';
const YIELDS = 10_000;
function* numbers() {
  for (let i = 0; i < YIELDS; i++) yield { i };
}
async function* asyncNumbers() {
  for (let i = 0; i < YIELDS; i++) yield { i };
}
let sink = 0;
const consume = (it: Iterable<{ i: number }>) => {
  let total = 0;
  for (const v of it) total += v.i;
  return total;
};
const consumeAsync = async (it: AsyncIterable<{ i: number }>) => {
  let total = 0;
  for await (const v of it) total += v.i;
  return total;
};

let bare: number[];
let wrapped: number[];
if (variant === 'langsmith-async') {
  // Loaded only here, so the optrail variants run without the peer's module state.
  const { Client } = await import('langsmith');
  const { traceable } = await import('langsmith/traceable');
  const client = new Client({
    apiKey: 'bench',
    apiUrl: 'http://127.0.0.1:9',
    fetchImplementation: async () => {
      sink++;
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    },
  });
  const traced = traceable(asyncNumbers, { name: 'numbers', client, tracingEnabled: true });
  await consumeAsync(traced()); // AsyncLocalStorage's promise hooks on before the bare runs too
  bare = await measure(reps * 2, YIELDS, () => consumeAsync(asyncNumbers()));
  wrapped = await measure(reps * 2, YIELDS, () => consumeAsync(traced()));
  await client.awaitPendingTraceBatches();
} else {
  const noop: Exporter = { name: 'noop', export: (b) => void (sink += b.length), exportSync: (b) => void (sink += b.length) };
  const pipeline = createPipeline({ exporters: [noop], exitSafety: false });
  if (variant === 'optrail-async') {
    const traced = op('numbers', asyncNumbers);
    await pipeline.run(() => consumeAsync(traced())); // AsyncLocalStorage's promise hooks on before the bare runs too
    bare = await measure(reps * 2, YIELDS, () => consumeAsync(asyncNumbers()));
    wrapped = await measure(reps * 2, YIELDS, () => pipeline.run(() => consumeAsync(traced())));
  } else {
    const traced = op('numbers', numbers);
    bare = await measure(reps * 4, YIELDS, () => consume(numbers()));
    wrapped = await measure(reps * 4, YIELDS, () => pipeline.run(() => consume(traced())));
  }
  await pipeline.shutdown();
}
if (sink === 0) throw new Error(`${variant}: nothing reached the sink`);
process.stdout.write(JSON.stringify({ bare, wrapped, sink }) + '\n');
