// §7 of issue 13, the view defects: durations rounded across a unit's limit (`1m60s`), and the
// text renderers failing with RangeError on a request of 200,000 ops (a spread into Math.max).
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGrouped } from '../views/grouped.js';
import { formatDuration } from '../views/format.js';
import { VIEWER_SCRIPT } from '../views/html-viewer.js';
import { renderGroupedText } from '../views/render-grouped.js';
import { renderTimelineText } from '../views/render-timeline.js';
import { renderTreeText } from '../views/render-tree.js';
import { buildTimeline } from '../views/timeline.js';
import { buildTree } from '../views/tree.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..');

/**
 * Each form `formatDuration` writes, with the range its number must stay in: a value that rounds
 * up to a form's limit is written in the next form (`1.00s`, not `1000ms`; `2m00s`, not `1m60s`).
 */
const FORMS: Array<{ form: RegExp; value: (m: RegExpMatchArray) => number; within: (m: RegExpMatchArray) => boolean; unit: number }> = [
  { form: /^(\d+\.\d\d)ms$/, value: (m) => Number(m[1]), within: (m) => Number(m[1]) < 1, unit: 0.01 },
  { form: /^(\d+\.\d)ms$/, value: (m) => Number(m[1]), within: (m) => Number(m[1]) >= 1 && Number(m[1]) < 10, unit: 0.1 },
  { form: /^(\d+)ms$/, value: (m) => Number(m[1]), within: (m) => Number(m[1]) >= 10 && Number(m[1]) < 1000, unit: 1 },
  { form: /^(\d+\.\d\d)s$/, value: (m) => Number(m[1]) * 1000, within: (m) => Number(m[1]) >= 1 && Number(m[1]) < 60, unit: 10 },
  { form: /^(\d+)m(\d\d)s$/, value: (m) => (Number(m[1]) * 60 + Number(m[2])) * 1000, within: (m) => Number(m[1]) >= 1 && Number(m[2]) < 60, unit: 1000 },
];

/** The milliseconds a formatted duration stands for, checking it is written in a form it may take. */
function readDuration(text: string): { ms: number; unit: number } {
  for (const { form, value, within, unit } of FORMS) {
    const match = text.match(form);
    if (match) {
      expect(within(match), `${text} is outside its unit's range`).toBe(true);
      return { ms: value(match), unit };
    }
  }
  throw new Error(`${text} is in no known form`);
}

const durations = fc.oneof(
  fc.double({ min: 0, max: 1e9, noNaN: true }),
  // Values right at the limits, where rounding crosses into the next unit.
  fc.constantFrom(0.995, 0.999, 9.95, 9.96, 999.5, 999.6, 59_995, 59_999.9, 119_500, 119_600, 3_599_500, 3_600_000).chain((limit) =>
    fc.double({ min: limit - 1, max: limit + 1, noNaN: true }).filter((ms) => ms >= 0),
  ),
);

describe('formatDuration', () => {
  it('rounds into the next unit instead of showing a unit at its limit', () => {
    expect(formatDuration(119_600)).toBe('2m00s');
    expect(formatDuration(59_999)).toBe('1m00s');
    expect(formatDuration(999.6)).toBe('1.00s');
    expect(formatDuration(9.96)).toBe('10ms');
    expect(formatDuration(0.999)).toBe('1.0ms');
    // Values away from the limits are written as before.
    expect([0.25, 4.2, 412, 1250, 59_400, 185_000, 3_600_000].map(formatDuration)).toEqual(['0.25ms', '4.2ms', '412ms', '1.25s', '59.40s', '3m05s', '60m00s']);
    expect([undefined, NaN, Infinity].map(formatDuration)).toEqual(['—', '—', '—']);
  });

  it('property: every duration is written in its form, within half a last digit of the value, and in order', () => {
    fc.assert(
      fc.property(durations, (ms) => {
        const { ms: shown, unit } = readDuration(formatDuration(ms));
        expect(Math.abs(shown - ms)).toBeLessThanOrEqual(unit / 2 + 1e-9 * Math.max(1, ms));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(durations, durations, (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(readDuration(formatDuration(low)).ms).toBeLessThanOrEqual(readDuration(formatDuration(high)).ms);
      }),
      { numRuns: 5000 },
    );
  });

  it("property: the HTML viewer's durations are the text views' durations", () => {
    const source = VIEWER_SCRIPT.match(/^ {2}function dur\(ms\) \{\n[\s\S]*?\n {2}\}$/m);
    expect(source, 'the viewer script defines dur(ms)').not.toBeNull();
    const dur = new Function(`${source![0]}\nreturn dur;`)() as (ms: number | undefined | null) => string;
    fc.assert(
      fc.property(durations, (ms) => {
        expect(dur(ms)).toBe(formatDuration(ms));
      }),
      { numRuns: 5000 },
    );
    expect([undefined, null, NaN].map(dur)).toEqual(['—', '—', '—']);
  });
});

const OPS = 200_000;

/** One request of `OPS` sequential ops, inside one group, as JSON Lines (all within one second). */
function* manyOpsLines(): Generator<string> {
  let seq = 0;
  const line = (kind: string, opName: string | null, ctx: string[], micros: number, payload: object) =>
    JSON.stringify({ event_id: `r-${seq}`, request_id: 'r', kind, op_name: opName, ctx, timestamp: `2026-11-23T20:00:00.${String(micros).padStart(6, '0')}Z`, seq: seq++, payload });
  yield line('group_start', null, [], 0, { name: 'all' });
  for (let i = 0; i < OPS; i++) {
    const ctx = ['main', `step#${i}`];
    yield line('op_start', 'step', ctx, 2 * i + 1, { inputs: {} });
    yield line('op_end', 'step', ctx, 2 * i + 2, { outputs: {}, status: 'ok', duration_ms: 0.001, yield_count: 0 });
  }
  yield line('group_end', null, [], 2 * OPS + 1, { name: 'all', status: 'ok' });
}

describe('the text views of a request with 200,000 ops', () => {
  it('tree, timeline and grouped text render every op', { timeout: 120_000 }, () => {
    const events = [...manyOpsLines()].map((line) => JSON.parse(line) as TraceEvent);
    const tree = renderTreeText(buildTree(events)).split('\n');
    expect(tree.length).toBe(OPS + 2);
    expect(tree[1]).toBe(`✓ step${' '.repeat(8)}   0.00ms`);
    const timeline = renderTimelineText(buildTimeline(events)).split('\n');
    expect(timeline.length).toBe(OPS + 2);
    expect(timeline[1]).toMatch(/^step {5}│█ +│ {3}0\.00ms$/);
    const grouped = renderGroupedText(buildGrouped(events)).split('\n');
    expect(grouped.length).toBe(OPS + 3);
    expect(grouped[1]).toBe(`  ▸ all  ${formatDuration(400.001)}  ${OPS} ops  0 errors`);
  });

  it('optrail view, --timeline and --grouped of the recording (child processes)', { timeout: 180_000 }, async () => {
    const file = join(tempDir(), 'many.jsonl');
    const out = createWriteStream(file);
    for (const line of manyOpsLines()) out.write(line + '\n');
    await new Promise((resolve) => out.end(resolve));
    const view = (args: string[]) =>
      new Promise<{ code: number; lines: number; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'view', ...args, file],
          { cwd: root, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1024 * 1024 * 1024 },
          (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, lines: stdout.split('\n').length, stderr }),
        ),
      );
    expect(await Promise.all([view([]), view(['--timeline']), view(['--grouped'])])).toEqual([
      { code: 0, lines: OPS + 2, stderr: '' },
      { code: 0, lines: OPS + 2, stderr: '' },
      { code: 0, lines: OPS + 3, stderr: '' },
    ]);
  });
});
