/**
 * Issue 14 §1: `shutdown()` and `flush()` finish when the endpoint is down. Each case runs a
 * program whose only pending work is optrail in a child process, as a user's program runs: it
 * must print the line after `await pipeline.shutdown()`, exit 0, and leave every undelivered
 * event in the spool (counted by a second process that opens the same spool). Before the fix
 * such a program exited 13 (an unsettled top-level await) with nothing spooled.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild } from '../child-process.js';
import { tempDir } from '../helpers.js';
import { freePort } from './fault-server.js';

const root = join(import.meta.dirname, '../..');
const servers: Server[] = [];
const urls: Record<string, string> = {};

/** A server that answers every request with `status` once it has read the body. */
async function answering(status: number): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(status).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
}

beforeAll(async () => {
  urls['closed port'] = `http://127.0.0.1:${await freePort()}/v1/traces`;
  urls['503'] = await answering(503);
  urls['401'] = await answering(401);
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/**
 * Events of one run of the child: 5 ops (op_start, op_end) and the request's end; as OTLP, 5
 * spans and the request's root. Mode open adds an op still running at shutdown: its op_start,
 * and as OTLP its span marked unfinished, which the exporter only builds at shutdown.
 */
const EXPECTED = { http: { done: 11, open: 12 }, otlp: { done: 6, open: 7 } } as const;
const REASONS = { 'closed port': 'ECONNREFUSED', '503': 'answered 503', '401': 'answered 401: authentication failed' } as const;

async function runChild(kind: 'http' | 'otlp', url: string, spoolDir: string, mode: string) {
  const { exited } = startChild('test/children/shutdown-down.ts', [kind, url, spoolDir, mode]);
  return exited;
}

describe.concurrent('shutdown() and flush() finish when the endpoint is down (child processes)', () => {
  for (const kind of ['http', 'otlp'] as const) {
    for (const endpoint of ['closed port', '503', '401'] as const) {
      for (const mode of ['shutdown', 'flush', 'open'] as const) {
        const what = { shutdown: 'shutdown()', flush: 'flush() then shutdown()', open: 'an op still running at shutdown()' }[mode];
        const expected = EXPECTED[kind][mode === 'open' ? 'open' : 'done'];
        it(`${kind}Exporter, ${endpoint}, ${what}: exit 0, the line after runs, every event in the spool`, async () => {
          const spoolDir = tempDir('optrail-down-spool-');
          const run = await runChild(kind, urls[endpoint]!, spoolDir, mode);
          expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
          expect(run.stdout.startsWith('after ')).toBe(true);
          const report = JSON.parse(run.stdout.slice('after '.length)) as { details: Record<string, number>; dropped: Record<string, number>; errors: string[] };
          expect(report.details).toMatchObject({ sentEvents: 0, spooledEvents: expected, spoolEvents: expected });
          // Nothing counted lost: every batch is safe in the spool (a loss is counted only for a batch given up).
          expect(report.dropped).toEqual({});
          // Whether a request was made before the deadline depends on the machine's load; what
          // is reported then is checked in the CLI cases below, whose deadlines are the defaults.
          expect(report.errors.every((message) => message.includes(REASONS[endpoint]) || /took longer|deadline|ignored/.test(message))).toBe(true);
          const count = await runChild(kind, urls[endpoint]!, spoolDir, 'count');
          expect(count.stdout).toBe(`spool ${expected}\n`);
        });
      }
    }
  }
});

/** `optrail convert ... --to otlp` in `cwd` (its spool lives under `cwd/.optrail`). */
function convert(endpoint: string, cwd: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'convert', join(root, 'test/fixtures/agent-run.jsonl'), '--to', 'otlp', '--endpoint', endpoint],
      { cwd, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe.concurrent('optrail convert --to otlp with the endpoint down (child processes)', () => {
  for (const endpoint of ['closed port', '503', '401'] as const) {
    it(`${endpoint}: prints what was sent, what waits in the spool and why, and exits 3 (not delivered)`, async () => {
      const run = await convert(urls[endpoint]!, tempDir('optrail-convert-down-'));
      expect(run.code).toBe(3);
      const lines = run.stderr.split('\n');
      expect(lines[0]).toBe(`sent 0 span(s) to ${urls[endpoint]}; 7 waiting in the spool (sent again by the next upload to this endpoint)`);
      expect(lines.slice(1).some((line) => line.startsWith('  reason: ') && line.includes(REASONS[endpoint]))).toBe(true);
    });
  }
});

describe('process.exit() while a batch is being sent', () => {
  it('the batch under way goes to the spool at exit: the next start finds every event', async () => {
    const { DiskSpool } = await import('../../src/delivery/spool.js');
    const { tempDir } = await import('../helpers.js');
    const { startChild } = await import('../child-process.js');
    const spoolDir = tempDir('optrail-exit-inflight-');
    const { firstLine, exited } = startChild('test/children/exit-inflight-child.ts', [spoolDir]);
    const recorded = Number(/^recorded (\d+)$/.exec(await firstLine)![1]);
    expect((await exited).code).toBe(0);
    expect(recorded).toBe(15); // 7 × (op_start, op_end) and the request's end
    expect(new DiskSpool(spoolDir, 1 << 30).stats.events).toBe(recorded);
  });
});
