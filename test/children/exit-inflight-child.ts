/**
 * A program that calls process.exit() while a batch is being sent to an endpoint that never
 * answers. argv: <spoolDir>. Prints `recorded <n>` before it exits.
 */
import { createServer } from 'node:http';
import { httpExporter } from '../../exporters/http.js';
import { op } from '../../src/recording/op.js';
import { createPipeline } from '../../src/pipeline/pipeline.js';

const [spoolDir] = process.argv.slice(2) as [string];
const server = createServer(() => {
  // Never answers: the batch stays in flight. Exit now, as a program ending abruptly would.
  process.stdout.write(`recorded ${pipeline.metrics().emitted}\n`);
  process.exit(0);
});
server.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const { port } = server.address() as { port: number };
const pipeline = createPipeline({ exporters: [httpExporter({ url: `http://127.0.0.1:${port}/v1/events`, spoolDir })], logger: false, batch: { maxAgeMs: 10 } });
const step = op('step', (i: number) => i);
pipeline.run(() => {
  for (let i = 0; i < 7; i++) step(i);
});
