/**
 * kill -9 trials of the HTTP exporter: a producer traces calls to a local receiver and is killed
 * with SIGKILL at a chosen time; a second process on the same spool then resends what was left.
 * Endpoint up and down, write-ahead on and off, several kill times. Prints, per trial, the
 * events recorded before the kill, those that arrived (after the receiver's dedupe by event_id),
 * those lost, the duplicates the receiver dropped and any left in its output, and the bound the
 * issue sets: the events of the last `batch.maxAgeMs` (1 s by default), which no exporter has
 * seen yet. `npm run bench:kill9`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver, type Receiver } from '../receiver/receiver.js';
import { table } from './lib/table.js';

const root = join(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const killTimes = quick ? [1500] : [1500, 3000, 5000];
const BATCH_AGE_MS = 1000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function child(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/cases/kill9-producer.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  proc.stdout.on('data', (d) => (text += d));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return { proc, exited, text: () => text };
}

/** Event ids in the receiver's output, and how many of them appear more than once. */
function outputIds(dir: string): { unique: number; repeated: number } {
  const seen = new Set<string>();
  let repeated = 0;
  for (const name of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (!line) continue;
      const id = (JSON.parse(line) as { event_id: string }).event_id;
      if (seen.has(id)) repeated++;
      else seen.add(id);
    }
  }
  return { unique: seen.size, repeated };
}

async function trial(endpointUp: boolean, writeAhead: boolean, killAtMs: number) {
  const port = await freePort();
  const out = mkdtempSync(join(tmpdir(), 'optrail-kill9-out-'));
  const spoolDir = mkdtempSync(join(tmpdir(), 'optrail-kill9-spool-'));
  const url = `http://127.0.0.1:${port}/v1/events`;
  let receiver: Receiver | undefined = endpointUp ? await startReceiver({ outDir: out, port }) : undefined;
  const producer = child([url, spoolDir, String(writeAhead), 'produce']);
  const started = Date.now();
  // Kill once the producer has run killAtMs (measured from its first line, so start-up is not counted).
  await new Promise<void>((resolve) => {
    let first = 0;
    const check = () => {
      if (first === 0 && producer.text().includes('emitted')) first = Date.now();
      if (first !== 0 && Date.now() - first >= killAtMs) return resolve();
      setTimeout(check, 5);
    };
    check();
  });
  producer.proc.kill('SIGKILL');
  await producer.exited;
  const progress = producer.text().trim().split('\n').filter((l) => l.startsWith('emitted ')).map((l) => l.split(' ').slice(1).map(Number) as [number, number]);
  const [recorded, lastAt] = progress.at(-1)!;
  // What the last batch.maxAgeMs before the kill recorded: events no exporter may have seen yet.
  const before = progress.filter(([, at]) => at <= lastAt - BATCH_AGE_MS).at(-1)?.[0] ?? 0;
  const ranMs = Date.now() - started;
  receiver ??= await startReceiver({ outDir: out, port });
  const recovery = child([url, spoolDir, String(writeAhead), 'recover']);
  await recovery.exited;
  await receiver.close();
  const ids = outputIds(out);
  return {
    endpoint: endpointUp ? 'up' : 'down',
    writeAhead: writeAhead ? 'on' : 'off',
    killAtMs,
    recorded,
    arrived: ids.unique,
    lost: Math.max(0, recorded - ids.unique),
    bound: recorded - before,
    droppedDuplicates: receiver.stats.duplicates,
    duplicatesInOutput: ids.repeated,
    ranMs,
  };
}

/** The target holds for write-ahead: at most the last maxAgeMs lost, no duplicate left after dedupe. */
function verdict(r: { writeAhead: string; lost: number; bound: number; duplicatesInOutput: number }): string {
  if (r.duplicatesInOutput > 0) return 'MISSED (duplicates)';
  if (r.writeAhead === 'off') return 'no target (without write-ahead what waits in memory dies with the process)';
  return r.lost <= r.bound ? 'met' : 'MISSED';
}

const rows: string[][] = [];
for (const endpointUp of [true, false]) {
  for (const writeAhead of [true, false]) {
    for (const killAtMs of killTimes) {
      const r = await trial(endpointUp, writeAhead, killAtMs);
      rows.push([r.endpoint, r.writeAhead, `${r.killAtMs} ms`, String(r.recorded), String(r.arrived), String(r.lost), String(r.bound), String(r.droppedDuplicates), String(r.duplicatesInOutput), verdict(r)]);
    }
  }
}
console.log('kill -9 trials: httpExporter to a local receiver, SIGKILL at the given time, then a new process on the same spool');
console.log(table(['endpoint', 'writeAhead', 'kill at', 'recorded', 'arrived', 'lost', 'bound (last maxAgeMs)', 'duplicates dropped by the receiver', 'duplicates in its output', 'target'], rows));
