import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonlExporter } from '../exporters/jsonl.js';
import { op } from '../src/recording/op.js';
import { createPipeline } from '../src/pipeline/pipeline.js';
import { tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..');

/** A path no directory can be made at: below a regular file. */
function unwritableDir(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'a-file'), 'x');
  return join(dir, 'a-file', 'traces');
}

describe('a failure is never reported as "nothing dropped"', () => {
  it('a JSONL exporter that can write nothing: health failing, the shutdown report and its log line say how many were lost where', async () => {
    const lines: string[] = [];
    const pipeline = createPipeline({ exporters: [jsonlExporter({ dir: unwritableDir() })], exitSafety: false, logger: { warn: (m) => lines.push(m) } });
    const f = op('f', (i: number) => i * 2);
    expect(pipeline.run(() => [f(1), f(2)], { requestId: 'r' })).toEqual([2, 4]);
    await pipeline.flush();
    const health = pipeline.health();
    expect(health.status).toBe('failing');
    expect(health.reasons).toContain('jsonl: nothing delivered yet, 1 failure(s)');
    expect(health.reasons).toContain('5 events lost (5 export_failed:jsonl)');
    const report = await pipeline.shutdown();
    expect({ ...report.lost, byReason: { ...report.lost.byReason } }).toEqual({ total: 5, byReason: { 'export_failed:jsonl': 5 }, text: '5 events lost (5 export_failed:jsonl)' });
    expect(lines.at(-1)).toContain('  5 events lost (5 export_failed:jsonl)');
    expect(lines.join('\n')).not.toContain('nothing');
  });

  it('a clean run says nothing was lost, from the same counters', async () => {
    const lines: string[] = [];
    const pipeline = createPipeline({ exporters: [jsonlExporter({ dir: tempDir() })], exitSafety: false, logger: { warn: (m) => lines.push(m) } });
    pipeline.run(() => op('f', () => 1)());
    const report = await pipeline.shutdown();
    expect(report.lost).toMatchObject({ total: 0, text: 'nothing lost' });
    expect(pipeline.health().status).toBe('healthy');
    expect(lines).toEqual([]);
  });

  it('optrail demo into a directory that cannot be made: exit 1, the summary says what was lost', async () => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'demo', '--dir', unwritableDir()], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.resume();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    const [, total, written] = /lost {5}(\d+) events lost \((\d+) write_failed:jsonl\)/.exec(stdout) ?? [];
    expect(Number(total)).toBeGreaterThan(0);
    expect(written).toBe(total);
    expect(stdout).not.toContain('nothing lost');
    expect(stdout).not.toMatch(/dropped +0/);
  });
});

describe('lossOf: the one count of what was lost', () => {
  it('counts what exporters lost after accepting it: write failures, spool evictions, damaged spool records', async () => {
    const { lossOf } = await import('../src/pipeline/loss.js');
    const exporter = (details: Record<string, number>) => ({ exported: 10, exportedBytes: 0, batches: 1, failures: 0, consecutiveFailures: 0, queueDepth: 0, queuedBytes: 0, syncBatches: 0, packedEvents: 0, lastExportMs: 0, details });
    const metrics = {
      emitted: 0,
      replayed: 0,
      dropped: { 'export_failed:a': 2 },
      processors: { sample: { errors: 0, callbackErrors: {}, dropped: { sampled_out: 100 }, changed: {} } },
      exporters: { http: exporter({ spoolEvictedEvents: 800, spoolCorruptEvents: 3 }), jsonl: exporter({ lostEvents: 5 }) },
      bufferedBytes: 0,
      maxBufferBytes: 1,
      internalErrors: 0,
      media: { written: 0, failed: 0, pendingBytes: 0 },
    };
    const lost = lossOf(metrics as never);
    expect(lost.total).toBe(810);
    expect({ ...lost.byReason }).toEqual({ 'export_failed:a': 2, 'spool_evicted:http': 800, 'spool_corrupt:http': 3, 'write_failed:jsonl': 5 });
    expect(lost.text).toBe('810 events lost (2 export_failed:a, 800 spool_evicted:http, 3 spool_corrupt:http, 5 write_failed:jsonl)');
  });
});
