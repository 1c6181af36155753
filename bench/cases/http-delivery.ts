/**
 * Child process: events/s through httpExporter into a local receiver, with and without
 * write-ahead. argv: <writeAhead: true|false> <calls>. Prints one JSON line.
 */
import { httpExporter } from '../../exporters/http.js';
import { createPipeline, op } from '../../index.js';
import { startReceiver } from '../../receiver/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [writeAheadText, callsText] = process.argv.slice(2) as [string, string];
const calls = Number(callsText);
const dir = mkdtempSync(join(tmpdir(), 'optrail-bench-http-'));
const receiver = await startReceiver({ outDir: join(dir, 'out'), rememberExisting: false, maxBodyBytes: 64 * 1024 * 1024 });
const exporter = httpExporter({ url: receiver.url, spoolDir: join(dir, 'spool'), writeAhead: writeAheadText === 'true' });
const pipeline = createPipeline({ exporters: [exporter], exitSafety: false });
const work = op('work', (args: { query: string; limit: number }) => ({ hits: args.limit }));
const start = process.hrtime.bigint();
let producing = 0n;
for (let done = 0; done < calls; done += 500) {
  const t = process.hrtime.bigint();
  pipeline.run(() => {
    for (let i = 0; i < 500; i++) work({ query: 'q', limit: i });
  });
  producing += process.hrtime.bigint() - t;
  await new Promise((r) => setImmediate(r));
}
await pipeline.flush();
await receiver.waitFor(calls * 2);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
await pipeline.shutdown();
await receiver.close();
process.stdout.write(JSON.stringify({ eventsPerSecond: (calls * 2) / seconds, producingNsPerCall: Number(producing) / calls }) + '\n');
