import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { readEvents, type ReadProblem } from '../src/read/read-events.js';
import { startChild } from './child-process.js';
import { tempDir } from './helpers.js';

async function readBack(path: string) {
  const problems: ReadProblem[] = [];
  const events = await lastValueFrom(readEvents(path, { onError: (p) => problems.push(p) }).pipe(toArray()));
  return { events, problems };
}

describe('exit safety (child processes)', () => {
  for (const file of ['trace.jsonl', 'trace.jsonl.gz']) {
    it(`SIGTERM: ${file} holds every event emitted before the signal, and the process still dies of it`, async () => {
      const out = join(tempDir(), file);
      const { child, firstLine, exited } = startChild('test/children/emit-child.ts', [out, 'signal', '3000']);
      const line = await firstLine;
      expect(line).toBe('ready 6001');
      child.kill('SIGTERM');
      const { signal } = await exited;
      expect(signal).toBe('SIGTERM');
      const { events, problems } = await readBack(out);
      expect(problems).toEqual([]);
      expect(events).toHaveLength(6001); // 3000 × (op_start, op_end) and the request's end
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 6001 }, (_, i) => i));
    });
  }

  it('SIGINT behaves the same', async () => {
    const out = join(tempDir(), 'int.jsonl');
    const { child, firstLine, exited } = startChild('test/children/emit-child.ts', [out, 'signal', '100']);
    await firstLine;
    child.kill('SIGINT');
    expect((await exited).signal).toBe('SIGINT');
    expect((await readBack(out)).events).toHaveLength(201);
  });

  it('process.exit() right after emitting: the exit hook writes everything synchronously', async () => {
    const out = join(tempDir(), 'exit.jsonl.gz');
    const { exited } = startChild('test/children/emit-child.ts', [out, 'exit', '1000']);
    expect((await exited).code).toBe(0);
    expect((await readBack(out)).events).toHaveLength(2001);
  });

  it('a program that just ends (beforeExit) is flushed with no shutdown call', async () => {
    const out = join(tempDir(), 'natural.jsonl');
    const { exited } = startChild('test/children/emit-child.ts', [out, 'natural', '700']);
    expect((await exited).code).toBe(0);
    expect((await readBack(out)).events).toHaveLength(1401);
  });

  it('SIGKILL mid-write leaves at most a torn last line; every complete line is kept', async () => {
    const out = join(tempDir(), 'killed.jsonl');
    const { child, firstLine, exited } = startChild('test/children/emit-child.ts', [out, 'forever', '0']);
    await firstLine;
    // Let it write until the file has grown, then kill it without warning.
    await new Promise<void>((resolve) => {
      const check = () => {
        let size = 0;
        try {
          size = readFileSync(out).length;
        } catch {
          size = 0;
        }
        if (size > 200_000) resolve();
        else setImmediate(check);
      };
      check();
    });
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    const { events, problems } = await readBack(out);
    expect(events.length).toBeGreaterThan(500);
    // Either the kill fell between two writes, or it tore the last line: nothing else.
    const lastLine = events.length + 1;
    expect(problems.length === 0 ? [] : problems).toEqual(
      problems.length === 0 ? [] : [{ source: out, line: lastLine, message: expect.stringMatching(/^torn last line/), torn: true }],
    );
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i));
  });
});

describe('environment', () => {
  it('OPTRAIL_OUTPUT makes a top-level traced call its own request, written to that directory', async () => {
    const dir = tempDir() + '/';
    const { exited } = startChild('test/children/env-child.ts', [], { OPTRAIL_OUTPUT: dir });
    const result = await exited;
    expect(result.stdout).toBe('hi!\n');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const { events } = await readBack(join(dir, files[0]!));
    expect(events.map((e) => `${e.kind} ${e.op_name} ${e.ctx.join('/')}`)).toEqual(['op_start answer main/answer#0', 'op_end answer main/answer#0', 'annotation null ']);
  });

  it('OPTRAIL_DISABLED turns tracing off entirely', async () => {
    const dir = tempDir() + '/';
    const { exited } = startChild('test/children/env-child.ts', [], { OPTRAIL_OUTPUT: dir, OPTRAIL_DISABLED: 'true' });
    expect((await exited).stdout).toBe('hi!\n');
    expect(readdirSync(dir)).toEqual([]);
  });
});
