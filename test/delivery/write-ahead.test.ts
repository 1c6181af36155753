import { describe, expect, it } from 'vitest';
import { startReceiver } from '../../receiver/receiver.js';
import { startChild } from '../child-process.js';
import { tempDir } from '../helpers.js';
import { freePort } from './fault-server.js';

async function recover(url: string, spoolDir: string) {
  const { exited } = startChild('test/children/write-ahead-child.ts', [url, spoolDir, 'recover']);
  const result = await exited;
  expect(result.code).toBe(0);
  expect(result.stdout).toBe('done\n');
}

describe('writeAhead keeps its promise through kill -9', () => {
  it('endpoint down: every sealed batch is on disk before it waits in memory; a restart delivers all of them, once', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/v1/events`;
    const spoolDir = tempDir('optrail-wa-spool-');
    const producer = startChild('test/children/write-ahead-child.ts', [url, spoolDir, 'produce']);
    expect(await producer.firstLine).toBe('ready');
    producer.child.kill('SIGKILL');
    expect((await producer.exited).signal).toBe('SIGKILL');
    const receiver = await startReceiver({ outDir: tempDir('optrail-wa-out-'), port });
    try {
      await recover(url, spoolDir);
      // 10 sealed batches of 10; only the open batch (the request's end marker) died with the process.
      expect(receiver.stats.accepted).toBe(100);
      expect(receiver.stats.duplicates).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it('endpoint up: what was acknowledged before the kill is not sent again after it', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/v1/events`;
    const spoolDir = tempDir('optrail-wa-spool-');
    const receiver = await startReceiver({ outDir: tempDir('optrail-wa-out-'), port });
    try {
      const producer = startChild('test/children/write-ahead-child.ts', [url, spoolDir, 'produce-flush']);
      let stdout = '';
      await new Promise<void>((resolve) =>
        producer.child.stdout!.on('data', (d) => {
          stdout += d;
          if (stdout.includes('flushed\n')) resolve();
        }),
      );
      expect(receiver.stats.accepted).toBe(101);
      const batches = receiver.stats.batches;
      producer.child.kill('SIGKILL');
      await producer.exited;
      await recover(url, spoolDir);
      expect(receiver.stats.accepted).toBe(101);
      expect(receiver.stats.duplicates).toBe(0);
      expect(receiver.stats.duplicateBatches).toBe(0);
      expect(receiver.stats.batches).toBe(batches); // nothing resent
    } finally {
      await receiver.close();
    }
  });
});
