/**
 * One context for every copy of the package (issue 13 §4): the BUILT package loaded as ESM and as
 * CommonJS in one process shares the current frame, the default pipeline and the exit listeners.
 * The program runs in a child process (test/children/shared-context-child.mjs) under plain Node,
 * as a user's would; `dist/` must exist (`npm run build`), and its absence fails the test.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsyncLocalStorage } from 'node:async_hooks';
import { FRAME_STORAGE_KEY, frameStorage } from '../src/recording/context.js';
import { op } from '../src/recording/op.js';
import { processWide } from '../src/base/process-wide.js';
import { tempDir, tracer } from './helpers.js';

const root = join(import.meta.dirname, '..');
const child = join(root, 'test/children/shared-context-child.mjs');

interface ChildEvent {
  kind: string;
  op: string | null;
  ctx: string[];
  seq: number;
  request: string;
  timestamp: string;
  payload: Record<string, unknown>;
}

function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  if (!existsSync(join(root, 'dist/index.js')) || !existsSync(join(root, 'dist/index.cjs'))) {
    throw new Error('dist/ is missing: run `npm run build` first (this test loads the built package)');
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [child, ...args], { cwd: root }, (error, stdout, stderr) => {
      const failure = error as (Error & { code?: number; signal?: NodeJS.Signals }) | null;
      resolve({ code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0, signal: failure?.signal ?? null, stdout, stderr });
    });
  });
}

async function childJson(scenario: string): Promise<{ result: unknown; sameDefault?: boolean; events: ChildEvent[] }> {
  const { code, stdout, stderr } = await runChild([scenario]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

/** `kind op ctx` per event, without the request's end marker (its own tests are elsewhere). */
function outline(events: ChildEvent[]): string[] {
  return events
    .filter((e) => !(e.kind === 'annotation' && String(e.payload.key).startsWith('optrail.')))
    .map((e) => `${e.kind} ${e.op ?? '-'} ${e.ctx.join('/')}${e.kind === 'annotation' || e.kind.startsWith('group') ? ` ${String(e.payload.key ?? e.payload.name)}` : ''}`);
}

describe('one context for every copy of the package (built ESM + CommonJS in one process)', () => {
  it('ops, annotations, groups and currentOp of the CommonJS copy inside an ESM pipeline.run are recorded in that request, nested both ways', async () => {
    const { result, events } = await childJson('frames');
    expect(result).toEqual({ y: 4, opName: 'cjs-middle' });
    expect(outline(events)).toEqual([
      'op_start esm-root main/esm-root#0',
      'op_start cjs-middle main/esm-root#0/cjs-middle#0',
      'annotation cjs-middle main/esm-root#0/cjs-middle#0 from',
      'group_start -  cjs-group',
      'op_start esm-leaf main/esm-root#0/cjs-middle#0/esm-leaf#0',
      'op_start cjs-leaf main/esm-root#0/cjs-middle#0/esm-leaf#0/cjs-leaf#0',
      'op_end cjs-leaf main/esm-root#0/cjs-middle#0/esm-leaf#0/cjs-leaf#0',
      'op_end esm-leaf main/esm-root#0/cjs-middle#0/esm-leaf#0',
      'group_end -  cjs-group',
      'op_end cjs-middle main/esm-root#0/cjs-middle#0',
      'op_end esm-root main/esm-root#0',
    ]);
    // One request, one emitter: seq counts every event of both copies without a gap.
    expect(new Set(events.map((e) => e.request))).toEqual(new Set(['mixed']));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  });

  it('timestamps never go backwards within the mixed request (both copies read one clock)', async () => {
    const { events } = await childJson('frames');
    const stamps = events.map((e) => e.timestamp);
    expect(stamps).toEqual([...stamps].sort());
    // An invariant of the one clock (an end never before its start), not a timing: no op_end with a negative duration.
    const backwards = events.filter((e) => e.kind === 'op_end' && !((e.payload.duration_ms as number) >= 0));
    expect(backwards).toEqual([]);
  });

  it('the default pipeline set through ESM is the CommonJS copy’s default: a CommonJS op outside any request is recorded there', async () => {
    const { sameDefault, result, events } = await childJson('default');
    expect(sameDefault).toBe(true);
    expect(result).toBe('done');
    expect(outline(events)).toEqual(['op_start cjs-alone main/cjs-alone#0', 'op_end cjs-alone main/cjs-alone#0']);
  });

  it('SIGTERM with a pipeline in each copy: both files are written and the process still dies of the signal', async () => {
    const out = join(tempDir(), 'sig');
    const { signal, stdout } = await runChild(['signal', out]);
    expect(stdout).toBe('');
    expect(signal).toBe('SIGTERM');
    for (const [copy, op] of [['esm', 'esm-step'], ['cjs', 'cjs-step']] as const) {
      const lines = readFileSync(`${out}.${copy}.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(lines.filter((e) => e.kind.startsWith('op_')).map((e) => `${e.kind} ${e.op_name}`)).toEqual([`op_start ${op}`, `op_end ${op}`]);
    }
  });

  it('the storage is the process-wide value under a versioned key; a copy of another version (another Frame shape) keeps its own and never sees v1 frames', async () => {
    expect(FRAME_STORAGE_KEY).toBe('optrail.frameStorage.v1');
    expect((globalThis as Record<symbol, unknown>)[Symbol.for(FRAME_STORAGE_KEY)]).toBe(frameStorage);
    // A "v2" copy: its own storage under its own key, frames of a shape v1 cannot read.
    const v2Storage = processWide('optrail.frameStorage.v2', (v): v is AsyncLocalStorage<unknown> => v instanceof AsyncLocalStorage, () => new AsyncLocalStorage<unknown>());
    expect(v2Storage).not.toBe(frameStorage);
    const { memory, pipeline } = tracer();
    const v1Op = op('v1-op', (x: number) => x + 1);
    // A v1 op inside a v2 request runs bare (not traced, nothing thrown) ...
    expect(v2Storage.run({ emitter: 'a v2 emitter', path: 'not a ctx' }, () => v1Op(1))).toBe(2);
    // ... and inside a v1 request a v2 frame in scope changes nothing.
    expect(await pipeline.run(() => v2Storage.run({ other: true }, () => v1Op(2)))).toBe(3);
    await pipeline.flush();
    expect(memory.events.filter((e) => e.kind.startsWith('op_')).map((e) => `${e.kind} ${e.op_name} ${e.ctx.join('/')}`)).toEqual(['op_start v1-op main/v1-op#0', 'op_end v1-op main/v1-op#0']);
    await pipeline.shutdown();
  });
});
