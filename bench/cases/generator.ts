/**
 * Child process: a generator op with 10,000 yields, every yield emitted, vs the bare generator;
 * ns per yield. argv: <reps> [variant]. variant: `sync` (default: optrail, a sync generator),
 * `optrail-async` or `langsmith-async` (an async generator: optrail's `op` beside the peer,
 * LangSmith's `traceable`, whose client posts to a no-op fetch).
 */
import { createPipeline, op, type Exporter } from '../../index.js';
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

/** What a variant measures: the traced consumption, the bare one, and what to close afterwards. */
interface Variant {
  traced: () => unknown;
  bare: () => unknown;
  isAsync: boolean;
  close: () => Promise<unknown>;
}

async function variantFor(name: string): Promise<Variant> {
  if (name === 'langsmith-async') {
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
    return { traced: () => consumeAsync(traced()), bare: () => consumeAsync(asyncNumbers()), isAsync: true, close: () => client.awaitPendingTraceBatches() };
  }
  const noop: Exporter = { name: 'noop', export: (b) => void (sink += b.length), exportSync: (b) => void (sink += b.length) };
  const pipeline = createPipeline({ exporters: [noop], exitSafety: false });
  const close = () => pipeline.shutdown();
  if (name === 'optrail-async') {
    const traced = op('numbers', asyncNumbers);
    return { traced: () => pipeline.run(() => consumeAsync(traced())), bare: () => consumeAsync(asyncNumbers()), isAsync: true, close };
  }
  const traced = op('numbers', numbers);
  return { traced: () => pipeline.run(() => consume(traced())), bare: () => consume(numbers()), isAsync: false, close };
}

const measured = await variantFor(variant);
// An async variant turns AsyncLocalStorage's promise hooks on before the bare run, so both
// subtract the same base.
if (measured.isAsync) await measured.traced();
const runs = measured.isAsync ? reps * 2 : reps * 4;
const bare = await measure(runs, YIELDS, measured.bare);
const wrapped = await measure(runs, YIELDS, measured.traced);
await measured.close();
if (sink === 0) throw new Error(`${variant}: nothing reached the sink`);
process.stdout.write(JSON.stringify({ bare, wrapped, sink }) + '\n');
