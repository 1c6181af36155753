import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { treeExporter } from '../exporters/tree-exporter.js';
import { toChromeTrace } from '../views/chrome-trace.js';
import { ansi, useColor } from '../views/colors.js';
import { buildGrouped, groupedEssentials } from '../views/grouped.js';
import { renderHtml } from '../views/html.js';
import { renderGroupedText } from '../views/render-grouped.js';
import { renderTimelineText } from '../views/render-timeline.js';
import { renderTreeText } from '../views/render-tree.js';
import { buildTimeline } from '../views/timeline.js';
import { buildTree } from '../views/tree.js';
import { readEvents } from '../src/read/read-events.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { ev } from './processors/marbles.js';

const root = join(import.meta.dirname, '..');
const read = (name: string) => lastValueFrom(readEvents(join(root, 'test/fixtures', name)).pipe(toArray()));
const golden = (name: string, text: string) => {
  const path = join(root, 'test/golden', name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
};

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('views', () => {
  it('golden text renderings of a recorded agent run (no colours when not a TTY)', async () => {
    const events = await read('agent-run.jsonl');
    golden('agent-run.tree.txt', renderTreeText(buildTree(events)));
    golden('agent-run.timeline.txt', renderTimelineText(buildTimeline(events), { width: 100 }));
    golden('agent-run.grouped.txt', renderGroupedText(buildGrouped(events)));
  });

  it('the same views from shuffled input', async () => {
    const events = await read('agent-run.jsonl');
    for (const seed of [1, 2, 3]) {
      const mixed = shuffled(events, seed);
      expect(buildTree(mixed)).toEqual(buildTree(events));
      expect(buildTimeline(mixed)).toEqual(buildTimeline(events));
      expect(buildGrouped(mixed)).toEqual(buildGrouped(events));
    }
  });

  it('the grouped view from groupedEssentials (no inputs, outputs or yields kept) is the grouped view of the events', async () => {
    const events = await read('agent-run.jsonl');
    // A truncated group whose duration runs to the last event, an op_yield, and concurrent requests.
    const extra = [
      ev('group_start', null, 0, { name: 'turn', user: 'u1' }, { request: 'q' }),
      ev('op_start', 'gen', 1, { inputs: { prompt: 'x'.repeat(500) } }, { request: 'q', ctx: ['main', 'gen#0'] }),
      ev('llm_usage', 'gen', 2, { model: 'm', input_tokens: 3, output_tokens: 4, total_tokens: 7, cost_usd: 0.5 }, { request: 'q', ctx: ['main', 'gen#0'] }),
      ev('annotation', null, 3, { key: 'turn.note', value: { ok: true } }, { request: 'q' }),
      ev('annotation', 'gen', 4, { key: 'inner', value: 1 }, { request: 'q', ctx: ['main', 'gen#0'] }),
      ev('op_end', 'gen', 5, { outputs: { text: 'y'.repeat(500) }, status: 'error', duration_ms: 4.5, yield_count: 1, error: { type: 'E', message: 'm' } }, { request: 'q', ctx: ['main', 'gen#0'] }),
      ev('op_yield', 'gen', 6, { yielded: { chunk: 'late' }, idx: 0 }, { request: 'q', ctx: ['main', 'gen#0'], at: 90 }),
    ];
    for (const stream of [events, [...extra, ...events], shuffled([...events, ...extra], 7)]) {
      const light = stream.map(groupedEssentials);
      expect(buildGrouped(light)).toEqual(buildGrouped(stream));
    }
    const light = extra.map(groupedEssentials);
    expect(light.map((e) => e.payload)).toEqual([extra[0]!.payload, {}, extra[2]!.payload, extra[3]!.payload, {}, { status: 'error', duration_ms: 4.5 }, {}]);
    expect(light.every((e, i) => Object.isFrozen(e) && Object.isFrozen(e.payload) && e.event_id === extra[i]!.event_id && e.timestamp === extra[i]!.timestamp)).toBe(true);
    const [turn] = buildGrouped(light)[0]!.groups;
    expect(turn).toMatchObject({ name: 'turn', status: 'truncated', durationMs: 0.09, totals: { ops: 1, errors: 1 } });
  });

  it('tree nodes carry status, error, usage totals, yields and annotations; unfinished ops stay, marked', async () => {
    const [tree] = buildTree(await read('agent-run.jsonl'));
    const agent = tree!.roots[0]!;
    expect(agent.children.map((c) => [c.name, c.status])).toEqual([
      ['search', 'ok'],
      ['flaky_tool', 'error'],
      ['llm', 'ok'],
      ['background_job', 'unfinished'],
    ]);
    expect(agent.annotations).toEqual([{ key: 'user', value: 'ada' }]);
    expect(agent.children[1]!.error).toEqual({ type: 'Error', message: 'timeout talking to <b>tool</b>' });
    expect(agent.children[2]!.yieldCount).toBe(2);
    expect(agent.children[2]!.lastYielded).toEqual({ token: 'bon' });
    expect(agent.totals).toMatchObject({ ops: 5, errors: 1, tokensByModel: { 'gpt-4o-mini': { prompt: 12, completion: 2, total: 14 } } });
    expect(agent.children[3]!.end).toBeUndefined();
  });

  it('timeline lanes: concurrent spans never share a lane', async () => {
    const [timeline] = buildTimeline(await read('agent-run.jsonl'));
    const spans = timeline!.spans;
    for (const a of spans) {
      for (const b of spans) {
        if (a === b || a.lane !== b.lane) continue;
        const overlap = a.offsetMs < b.offsetMs + b.durationMs && b.offsetMs < a.offsetMs + a.durationMs;
        expect(overlap).toBe(false);
      }
    }
  });

  it('operonx streams: ops sharing a ctx are siblings; items at ctx+["[i]"] hang under the generator', () => {
    const events: TraceEvent[] = [
      ev('op_start', 'g.gen', 0, { inputs: {} }, { ctx: ['main'] }),
      ev('op_yield', 'g.gen', 1, { yielded: { v: 1 }, idx: 0 }, { ctx: ['main'] }),
      ev('op_start', 'g.child', 2, { inputs: {} }, { ctx: ['main', '[0]'] }),
      ev('op_end', 'g.child', 3, { outputs: {}, status: 'ok', duration_ms: 0.001, yield_count: 0 }, { ctx: ['main', '[0]'] }),
      ev('op_end', 'g.gen', 4, { outputs: {}, status: 'ok', duration_ms: 0.004, yield_count: 1 }, { ctx: ['main'] }),
      ev('op_start', 'g.d', 5, { inputs: {} }, { ctx: ['main'] }),
      ev('op_end', 'g.d', 6, { outputs: {}, status: 'ok', duration_ms: 0.001, yield_count: 0 }, { ctx: ['main'] }),
      ev('op_start', 'g.d', 7, { inputs: {} }, { ctx: ['main'] }),
    ];
    const [tree] = buildTree(shuffled(events, 7));
    expect(tree!.roots.map((n) => [n.name, n.status, n.children.map((c) => c.name)])).toEqual([
      ['g.gen', 'ok', ['g.child']],
      ['g.d', 'ok', []],
      ['g.d', 'unfinished', []],
    ]);
  });

  it('operonx: overlapping invocations of one op at one ctx end oldest first; orphans and late events stay visible', () => {
    const start = (seq: number, name: string, ctx: string[], n: number) => ev('op_start', name, seq, { inputs: { n } }, { ctx });
    const end = (seq: number, name: string, ctx: string[], n: number) =>
      ev('op_end', name, seq, { outputs: { n }, status: 'ok', duration_ms: 0.001, yield_count: 0 }, { ctx });
    const main = ['main'];
    const events: TraceEvent[] = [
      start(0, 'f', main, 1),
      start(1, 'f', main, 2),
      start(2, 'f', main, 3),
      end(3, 'f', main, 1),
      ev('annotation', 'f', 4, { key: 'on', value: 'newest open' }, { ctx: main }),
      end(5, 'f', main, 2),
      end(6, 'f', main, 3),
      ev('annotation', 'f', 7, { key: 'after', value: 'end' }, { ctx: main }),
      end(8, 'lost', ['req', 'lost#0'], 9),
      ev('llm_usage', 'gone', 9, { model: 'm', prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, cost_usd: 0.5 }, { ctx: ['req', 'gone#0'] }),
    ];
    const [tree] = buildTree(shuffled(events, 11));
    const roots = tree!.roots.map((n) => ({ name: n.name, inputs: n.inputs, outputs: n.outputs, status: n.status, notes: n.annotations.map((a) => a.key) }));
    expect(roots).toEqual([
      { name: 'f', inputs: { n: 1 }, outputs: { n: 1 }, status: 'ok', notes: [] },
      { name: 'f', inputs: { n: 2 }, outputs: { n: 2 }, status: 'ok', notes: [] },
      { name: 'f', inputs: { n: 3 }, outputs: { n: 3 }, status: 'ok', notes: ['on', 'after'] },
      { name: 'lost', inputs: undefined, outputs: { n: 9 }, status: 'ok', notes: [] },
      { name: 'gone', inputs: undefined, outputs: undefined, status: 'unfinished', notes: [] },
    ]);
    expect(tree!.totals).toEqual({
      ops: 5,
      errors: 0,
      costUsd: 0.5,
      costUnknown: false,
      tokensByModel: { m: { calls: 1, prompt: 1, completion: 2, total: 3, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: 0.5, costUnknownCalls: 0 } },
    });
    expect(tree!.roots[0]!.totals.tokensByModel).toEqual({});
    expect(JSON.parse(JSON.stringify(tree!.roots[0]))).toMatchObject({ children: [], annotations: [], usage: [], media: [] });
  });

  it('colours only on a TTY; NO_COLOR wins, FORCE_COLOR forces', async () => {
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    const coloured = renderTreeText(buildTree(await read('agent-run.jsonl')), { palette: ansi });
    expect(coloured).toContain('\u001b[32m✓\u001b[39m');
  });

  it('the tree exporter renders a request when it completes, and the rest at shutdown', async () => {
    const chunks: string[] = [];
    const stream = { write: (t: string) => chunks.push(t), isTTY: false } as any;
    const exporter = treeExporter({ stream });
    const events = await read('agent-run.jsonl');
    exporter.export(events);
    expect(chunks).toHaveLength(0); // background_job never ended
    await exporter.shutdown!();
    expect(chunks.join('')).toBe(renderTreeText(buildTree(events)) + '\n');
  });

  it('chrome trace: complete events with lanes as tids, instants for annotations and usage', async () => {
    const trace = toChromeTrace(await read('agent-run.jsonl'));
    const complete = trace.traceEvents.filter((e) => e.ph === 'X');
    expect(complete.map((e) => e.name)).toEqual(['agent', 'search', 'flaky_tool', 'llm', 'background_job']);
    expect(new Set(complete.map((e) => e.tid)).size).toBeGreaterThan(1);
    expect(trace.traceEvents.filter((e) => e.ph === 'i').map((e) => e.cat).sort()).toEqual(['annotation', 'llm_usage', 'op_yield']);
    expect(trace.traceEvents[0]).toEqual({ name: 'process_name', ph: 'M', pid: 1, args: { name: 'request run-1' } });
  });

  it('HTML: self-contained, and nothing from the stream can close the data script or inject markup', () => {
    const hostile = '</script><script>window.pwned=1</script>"><img src=x onerror=window.pwned=2>';
    const events = [
      ev('op_start', hostile, 0, { inputs: { [hostile]: hostile } }, { ctx: ['main', 'x#0'] }),
      ev('op_end', hostile, 1, { outputs: {}, status: 'ok', duration_ms: 1, yield_count: 0 }, { ctx: ['main', 'x#0'] }),
    ];
    const html = renderHtml(events, { title: hostile });
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<\/script>/g)).toHaveLength(2); // ours only
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).toContain('\\u003c/script\\u003e');
  });
});
