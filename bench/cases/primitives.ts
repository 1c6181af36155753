/**
 * Child process: what the building blocks cost on this machine, so the bench can say how much of
 * each target is left once the work the contract requires is paid for.
 * argv: <reps> <parse lines>. Prints one JSON line of medians in ns per operation.
 *
 * - clock: one `performance.now()` (a traced call reads the clock twice: start and end);
 * - freeze: `Object.freeze` of a fresh small object kept for a while (events are frozen when made,
 *   issue 2; a traced call makes 7 frozen objects: ctx, 2 envelopes, 2 payloads, inputs, outputs);
 * - alsRun: `AsyncLocalStorage.run` around a call (the op's frame);
 * - stringify: `JSON.stringify` of one op_start event of the traced-call case;
 * - parseKeep: `JSON.parse` of one such line, every result kept (what a replay into a tree does);
 * - parseDiscard: the same, results dropped at once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { summarize } from '../lib/stats.js';

const [repsText, linesText] = process.argv.slice(2) as [string, string];
const reps = Number(repsText);
const lines = Number(linesText);

function perOp(n: number, body: (n: number) => void): number {
  body(Math.min(n, 10_000)); // warm-up
  const values: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = process.hrtime.bigint();
    body(n);
    values.push(Number(process.hrtime.bigint() - start) / n);
  }
  return summarize(values).median;
}

const ring: unknown[] = new Array(4096);
let sink = 0;
const clock = perOp(1_000_000, (n) => {
  for (let i = 0; i < n; i++) sink += performance.now();
});
const literal = perOp(1_000_000, (n) => {
  for (let i = 0; i < n; i++) ring[i & 4095] = { outputs: ring, status: 'ok', duration_ms: i / 1000, yield_count: 0 };
});
const frozenLiteral = perOp(1_000_000, (n) => {
  for (let i = 0; i < n; i++) ring[i & 4095] = Object.freeze({ outputs: ring, status: 'ok', duration_ms: i / 1000, yield_count: 0 });
});
const storage = new AsyncLocalStorage<object>();
const body = (i: number) => i + 1;
const alsRun = storage.run({}, () =>
  perOp(1_000_000, (n) => {
    for (let i = 0; i < n; i++) sink += storage.run(ring, body, i);
  }),
);

const event = (i: number) => ({
  event_id: `01JD3Q8Z5V6W7X8Y9Z0A1B2C3D-${i}`,
  request_id: '01JD3Q8Z5V6W7X8Y9Z0A1B2C3D',
  kind: 'op_start',
  op_name: 'work',
  ctx: ['main', `work#${i}`],
  timestamp: '2026-11-22T12:00:00.000140Z',
  seq: i,
  payload: { inputs: { query: 'weather in lisbon', limit: 3, exact: false } },
});
const events = Array.from({ length: 4096 }, (_, i) => Object.freeze(event(i)));
const stringify = perOp(1_000_000, (n) => {
  for (let i = 0; i < n; i++) sink += JSON.stringify(events[i & 4095]).length;
});
const text = Array.from({ length: lines }, (_, i) => JSON.stringify(event(i)));
const parseDiscard = perOp(lines, (n) => {
  for (let i = 0; i < n; i++) sink += JSON.parse(text[i]!).seq;
});
const parseKeep = perOp(lines, (n) => {
  const kept: unknown[] = [];
  for (let i = 0; i < n; i++) kept.push(JSON.parse(text[i]!));
  sink += kept.length;
});
if (sink === -1) console.error(sink);
process.stdout.write(JSON.stringify({ clock, freeze: Math.max(0, frozenLiteral - literal), alsRun, stringify, parseKeep, parseDiscard, lineBytes: text[0]!.length }) + '\n');
