/**
 * Child process: the floors we measure ourselves against, writing one ≈ 250-byte JSON line per
 * event to a file. argv: <which: pino|handwritten> <events> <out>. Prints events/s.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import pino from 'pino';

const [which, eventsText, out] = process.argv.slice(2) as [string, string, string];
const n = Number(eventsText);
const start = process.hrtime.bigint();
if (which === 'pino') {
  const destination = pino.destination({ dest: out, sync: false, minLength: 4096 });
  const logger = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  for (let i = 0; i < n; i++) logger.info({ request_id: '01JD3Q8Z5V6W7X8Y9Z0A1B2C3D', kind: 'op_start', op_name: 'work', ctx: ['main', `work#${i}`], seq: i, inputs: { query: 'weather in lisbon', limit: 3 } });
  await new Promise<void>((resolve) => destination.flush(() => resolve()));
  destination.end();
} else {
  // Frozen objects, JSON.stringify per event, one writeSync per 512-event batch.
  const fd = openSync(out, 'w');
  let batch: string[] = [];
  for (let i = 0; i < n; i++) {
    const event = Object.freeze({ event_id: `01JD3Q8Z5V6W7X8Y9Z0A1B2C3D-${i}`, request_id: '01JD3Q8Z5V6W7X8Y9Z0A1B2C3D', kind: 'op_start', op_name: 'work', ctx: ['main', `work#${i}`], timestamp: '2026-11-22T12:00:00.000140Z', seq: i, payload: { inputs: { query: 'weather in lisbon', limit: 3 } } });
    batch.push(JSON.stringify(event));
    if (batch.length === 512) {
      writeSync(fd, batch.join('\n') + '\n');
      batch = [];
    }
  }
  if (batch.length) writeSync(fd, batch.join('\n') + '\n');
  closeSync(fd);
}
process.stdout.write(JSON.stringify({ eventsPerSecond: n / (Number(process.hrtime.bigint() - start) / 1e9) }) + '\n');
