import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startReceiver } from '../../receiver/receiver.js';
import { tempDir } from '../helpers.js';
import { freePort } from './fault-server.js';

const root = join(import.meta.dirname, '..', '..');

function child(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/children/http-child.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  const exited = new Promise<{ signal: NodeJS.Signals | null; code: number | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, exited, output: () => out };
}

describe('a process killed with SIGKILL mid-run', () => {
  it('after restart, the spooled events are delivered; the loss is bounded by what had not reached the spool, and reported', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/v1/events`;
    const spoolDir = tempDir('optrail-spool-');
    const first = child([url, spoolDir, 'emit']);
    // Kill it once at least 20,000 events are durable (the endpoint is down: all in the spool).
    let durable = 0;
    let emitted = 0;
    await new Promise<void>((resolve) =>
      first.proc.stdout.on('data', () => {
        const lines = first.output().trim().split('\n');
        const last = /durable (\d+) emitted (\d+)/.exec(lines.at(-1) ?? '');
        if (last && Number(last[1]) >= 20_000) {
          durable = Number(last[1]);
          emitted = Number(last[2]);
          first.proc.kill('SIGKILL');
          resolve();
        }
      }),
    );
    expect((await first.exited).signal).toBe('SIGKILL');

    const out = tempDir('optrail-received-');
    const receiver = await startReceiver({ outDir: out, port });
    try {
      const second = child([url, spoolDir, 'resume']);
      expect((await second.exited).code).toBe(0);
      const stats = JSON.parse(second.output().trim().split('\n').at(-1)!);
      // What the first process had made durable is all there; what it had only in memory is the
      // loss, bounded by its memory cap (256 KiB ≈ 1,000 events) plus the chunk in progress.
      expect(stats.spoolRecoveredEvents).toBeGreaterThanOrEqual(durable);
      expect(stats.resentEvents).toBe(stats.spoolRecoveredEvents - 0);
      expect(receiver.stats.accepted).toBeGreaterThanOrEqual(durable);
      expect(receiver.stats.accepted).toBeLessThanOrEqual(emitted + 400);
      expect(stats.spoolTornRecords).toBeLessThanOrEqual(1);
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
