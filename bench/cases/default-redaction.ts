/**
 * Child process: what the default credential redaction (`redactCredentials`, on in every pipeline)
 * costs per event while capturing, on the bench's payloads: a traced call with the traced-call
 * case's arguments and result, one with case 7's ≈ 200-byte payload, and one whose strings hold
 * dates, ULIDs, UUIDs and order ids (they pass a naive prefilter). Each payload is traced with the
 * redaction on and off, interleaved repetitions in this one process, into a no-op exporter.
 * argv: <calls> <reps>. Prints ns per event (two events per call) for each side.
 */
import { createPipeline, op, type Exporter } from '../../index.js';
import { measure } from '../lib/stats.js';

const [callsText, repsText] = process.argv.slice(2) as [string, string];
const calls = Number(callsText);
const reps = Number(repsText);
const CHUNK = 500;

const payloads = {
  'traced-call arguments': { query: 'weather in lisbon', limit: 3, exact: false },
  '≈200-byte payload (case 7)': {
    query: 'weather in lisbon for user 123',
    limit: 3,
    session: 'session-42',
    note: 'no personal data in this note at all',
    context: 'the user asked about the forecast for the coming weekend',
  },
  'dates and ids': {
    at: '2026-11-22T12:00:00.000001Z',
    order: 'order-2026-11-22-000481',
    trace: '01JD3X9K2M4N5P6Q7R8S9T0V1W',
    user: '3f2b8c1e-9d4a-4e6b-a7c2-5b1d0e8f9a63',
    note: 'shipped 2026-11-23 09:30, invoice INV-20261123-0042, ref A1B2-C3D4',
  },
};

const noop: Exporter = { name: 'noop', export: () => undefined, exportSync: () => undefined };
const pipelines = {
  on: createPipeline({ exporters: [noop], exitSafety: false, logger: false }),
  off: createPipeline({ exporters: [noop], exitSafety: false, logger: false, redactCredentials: false }),
};

const results: Record<string, { on: number[]; off: number[] }> = {};
for (const [name, args] of Object.entries(payloads)) {
  const traced = op('work', (input: typeof args) => ({ hits: 3, top: 'result-1', echo: input }));
  const run = (side: 'on' | 'off') => () =>
    pipelines[side].run(async () => {
      for (let done = 0; done < calls; done += CHUNK) {
        for (let i = 0; i < CHUNK; i++) traced(args);
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
  const on: number[] = [];
  const off: number[] = [];
  for (let r = 0; r < reps; r++) {
    off.push(...(await measure(1, calls * 2, run('off'))));
    on.push(...(await measure(1, calls * 2, run('on'))));
  }
  results[name] = { on, off };
}
const redacted = pipelines.on.metrics().redaction;
await pipelines.on.shutdown();
await pipelines.off.shutdown();
process.stdout.write(JSON.stringify({ results, redacted }) + '\n');
