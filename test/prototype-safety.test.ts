// §5 of issue 13: names and keys that come from recorded data (model, op, group, annotation key,
// request id, ctx segment, group metadata key) never reach a prototype, and show as themselves.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chromeTraceExporter } from '../exporters/chrome-trace-exporter.js';
import { groupedExporter } from '../exporters/grouped-exporter.js';
import { htmlExporter } from '../exporters/html-exporter.js';
import { timelineExporter } from '../exporters/timeline-exporter.js';
import { treeExporter } from '../exporters/tree-exporter.js';
import { toChromeTrace } from '../views/chrome-trace.js';
import { buildGrouped, GroupedBuilder } from '../views/grouped.js';
import { renderHtml } from '../views/html.js';
import { readGrouped, readTrees } from '../views/read-trees.js';
import { renderGroupedText } from '../views/render-grouped.js';
import { renderTimelineText } from '../views/render-timeline.js';
import { renderTreeText } from '../views/render-tree.js';
import { buildTimeline, timelineOf } from '../views/timeline.js';
import { buildTree, TreeBuilder } from '../views/tree.js';
import { StatsAccumulator } from '../src/cli/commands/stats.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { tempDir } from './helpers.js';
import { prototypeChanges, prototypeSnapshot } from './prototype-snapshot.js';

const root = join(import.meta.dirname, '..');

/** Names that are keys of every plain object, or that a `[key]` write turns into a prototype change. */
const HOSTILE = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString'] as const;

const BASE_MICROS = Date.UTC(2026, 10, 23, 20) * 1000;

function timestampAt(micros: number): string {
  const second = Math.floor(micros / 1e6);
  return `${new Date(second * 1000).toISOString().slice(0, 19)}.${String(micros - second * 1e6).padStart(6, '0')}Z`;
}

/**
 * One request named `name` everywhere data can name something: request id, op name and ctx
 * segments of a parent and a child op, a group with a metadata key `name`, an annotation key on
 * the op and on the group/request, an input key, and the model of an `llm_usage`. As JSON Lines,
 * so a `__proto__` key is an own property once parsed, as it is when read from a file.
 */
function hostileLines(name: string, at = 0): string[] {
  const parent = ['main', `${name}#0`];
  const child = [...parent, `${name}#1`];
  const rows: Array<[TraceEvent['kind'], string | null, string[], Record<string, unknown>]> = [
    ['op_start', name, parent, { inputs: { [name]: name } }],
    ['group_start', null, [], { name, [name]: 1 }],
    ['annotation', name, parent, { key: name, value: name }],
    ['annotation', null, [], { key: name, value: 2 }],
    ['op_start', name, child, { inputs: {} }],
    ['llm_usage', name, child, { model: name, prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, cost_usd: 0.5 }],
    ['op_end', name, child, { outputs: { [name]: 3 }, status: 'ok', duration_ms: 0.004, yield_count: 0 }],
    ['group_end', null, [], { name, status: 'ok' }],
    ['op_end', name, parent, { outputs: {}, status: 'error', duration_ms: 0.008, yield_count: 0, error: { type: name, message: name } }],
  ];
  return rows.map(([kind, opName, ctx, payload], seq) =>
    JSON.stringify({ event_id: `${name}-${seq}`, request_id: name, kind, op_name: opName, ctx, timestamp: timestampAt(BASE_MICROS + at + seq), seq, payload }),
  );
}

const parse = (lines: readonly string[]): TraceEvent[] => lines.map((line) => JSON.parse(line) as TraceEvent);

/** A harmless name of the same length, so padding and alignment are the same. */
const twinOf = (name: string) => 'q'.repeat(name.length);

/** Every text and JSON rendering the views give of `events`, in process. */
function everyView(events: TraceEvent[]): Record<string, string> {
  const trees = buildTree(events);
  const timelines = buildTimeline(events);
  const groups = buildGrouped(events);
  return {
    treeText: renderTreeText(trees),
    treeJson: JSON.stringify(trees),
    timelineText: renderTimelineText(timelines),
    timelineJson: JSON.stringify(timelines),
    groupedText: renderGroupedText(groups),
    groupedJson: JSON.stringify(groups),
    chrome: JSON.stringify(toChromeTrace(events)),
    html: renderHtml(events),
  };
}

let before: string[];
beforeEach(() => {
  before = prototypeSnapshot();
});
afterEach(() => {
  // Every test here also asserts that nothing reached a prototype.
  expect(prototypeChanges(before, prototypeSnapshot())).toEqual({ added: [], removed: [] });
});

describe('data never reaches prototypes: the views in process', () => {
  it.each(HOSTILE)('%s as model, op, group, annotation key, request id and ctx: every view renders it as an ordinary name', (name) => {
    const views = everyView(parse(hostileLines(name)));
    const twin = twinOf(name);
    const twins = everyView(parse(hostileLines(twin)));
    for (const [view, text] of Object.entries(twins)) expect(views[view], view).toBe(text.replaceAll(twin, name));
  });

  it.each(HOSTILE)('%s: the built views carry it as own data (totals by model, group metadata, annotations)', (name) => {
    const events = parse(hostileLines(name));
    const [tree] = buildTree(events);
    expect(tree!.requestId).toBe(name);
    expect(tree!.roots.map((r) => [r.name, r.children.map((c) => c.name)])).toEqual([[name, [name]]]);
    for (const totals of [tree!.totals, tree!.roots[0]!.totals, tree!.roots[0]!.children[0]!.totals]) {
      expect(Object.keys(totals.tokensByModel)).toEqual([name]);
      expect(Object.getOwnPropertyDescriptor(totals.tokensByModel, name)?.value).toEqual({ calls: 1, prompt: 3, completion: 4, total: 7, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: 0.5, costUnknownCalls: 0 });
    }
    expect(renderTreeText([tree!])).toContain(`7 tok (in 3, out 4)  $0.5000`);
    expect(renderTreeText([tree!])).toContain(`\n  model ${name}  1 call  7 tok (in 3, out 4)  $0.5000\n`);
    expect(tree!.annotations).toEqual([{ key: name, value: 2 }]);

    const [grouped] = buildGrouped(events);
    const group = grouped!.groups[0]!;
    expect(group.name).toBe(name);
    expect(Object.keys(group.metadata)).toEqual([name]);
    expect(Object.getOwnPropertyDescriptor(group.metadata, name)?.value).toBe(1);
    expect(Object.keys(group.totals.tokensByModel)).toEqual([name]);
    expect(group.annotations).toEqual([{ key: name, value: 2 }]);
    expect(renderGroupedText([grouped!])).toContain(`    ${name}: 1\n`);
    // A reader indexing by another data-derived name finds nothing, not an inherited member.
    for (const other of HOSTILE.filter((n) => n !== name)) {
      expect(group.metadata[other], other).toBeUndefined();
      expect(tree!.totals.tokensByModel[other], other).toBeUndefined();
    }

    // Serialised, a `__proto__` key is data: parsed back, it is an own property again.
    const json = JSON.parse(JSON.stringify(tree));
    expect(Object.keys(json.totals.tokensByModel)).toEqual([name]);
    expect(Object.keys(JSON.parse(JSON.stringify(grouped)).groups[0].metadata)).toEqual([name]);

    const chrome = toChromeTrace(events).traceEvents;
    expect(chrome.filter((e) => e.ph === 'X').map((e) => e.name)).toEqual([name, name]);
    expect(chrome[0]!.args).toEqual({ name: `request ${name}` });
  });

  it('every hostile name in one recording: each request is its own, each model its own total', () => {
    const events = parse(HOSTILE.flatMap((name, i) => hostileLines(name, 1000 * i)));
    const trees = buildTree(events);
    expect(trees.map((t) => t.requestId)).toEqual([...HOSTILE]);
    expect(trees.map((t) => Object.keys(t.totals.tokensByModel))).toEqual(HOSTILE.map((name) => [name]));
    expect(buildTimeline(events).map((t) => t.spans.map((s) => s.name))).toEqual(HOSTILE.map((name) => [name, name]));
    expect(buildGrouped(events).map((r) => r.groups.map((g) => g.name))).toEqual(HOSTILE.map((name) => [name]));
    const stats = new StatsAccumulator();
    events.forEach(stats.add);
    const result = stats.result();
    expect(result.requests).toBe(HOSTILE.length);
    expect(result.ops.map((o) => [o.name, o.count])).toEqual([...HOSTILE].sort((a, b) => a.localeCompare(b)).map((name) => [name, 2]));
    expect(result.models.map((m) => [m.model, m.calls, m.tokens])).toEqual([...HOSTILE].sort((a, b) => a.localeCompare(b)).map((name) => [name, 1, 7]));
    everyView(events);
  });

  it('the followers (one event at a time) and the file readers give the same views', async () => {
    const lines = HOSTILE.flatMap((name, i) => hostileLines(name, 1000 * i));
    const events = parse(lines);
    const trees = new TreeBuilder();
    const groups = new GroupedBuilder();
    for (const event of events) {
      trees.add(event);
      groups.add(event);
    }
    expect(JSON.stringify(trees.build())).toBe(JSON.stringify(buildTree(events)));
    expect(JSON.stringify(groups.build())).toBe(JSON.stringify(buildGrouped(events)));
    const file = join(tempDir(), 'hostile.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    expect(JSON.stringify(await readTrees(file))).toBe(JSON.stringify(buildTree(events)));
    expect(JSON.stringify(await readGrouped(file))).toBe(JSON.stringify(buildGrouped(events)));
    expect(JSON.stringify((await readTrees(file)).map(timelineOf))).toBe(JSON.stringify(buildTimeline(events)));
  });

  it('the tree, timeline and grouped exporters and the HTML and Chrome trace exporters', () => {
    const events = parse(HOSTILE.flatMap((name, i) => hostileLines(name, 1000 * i)));
    for (const [exporter, render] of [
      [treeExporter, (e: TraceEvent[]) => renderTreeText(buildTree(e))],
      [timelineExporter, (e: TraceEvent[]) => renderTimelineText(buildTimeline(e))],
      [groupedExporter, (e: TraceEvent[]) => renderGroupedText(buildGrouped(e))],
    ] as const) {
      let written = '';
      const stream = new Writable({ write: (chunk, _encoding, done) => void ((written += chunk), done()) });
      const text = exporter({ stream, color: false });
      text.export(events);
      text.flush?.();
      for (const name of HOSTILE) expect(written).toContain(render(events.filter((e) => e.request_id === name)));
    }
    const dir = tempDir();
    const chrome = chromeTraceExporter({ path: join(dir, 'trace.json') });
    chrome.export(events);
    chrome.flush?.();
    expect(readFileSync(join(dir, 'trace.json'), 'utf8')).toBe(JSON.stringify(toChromeTrace(events)));
    const html = htmlExporter({ path: join(dir, 'trace.html') });
    html.export(events);
    html.flush?.();
    expect(readFileSync(join(dir, 'trace.html'), 'utf8')).toBe(renderHtml(events));
  });
});

/** The CLI in a child process, with a probe that reports what it changed on the built-in prototypes. */
function optrail(args: string[], input = '') {
  const probe = join(tempDir(), 'probe.json');
  return new Promise<{ code: number; stdout: string; stderr: string; prototypes: unknown }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), '--import', join(root, 'test/children/prototype-probe.ts'), join(root, 'src/cli/main.ts'), ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: '1', PROTOTYPE_PROBE_OUT: probe }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, prototypes: JSON.parse(readFileSync(probe, 'utf8')) }),
    );
    child.stdin!.end(input);
  });
}

describe('data never reaches prototypes: optrail view, stats and convert (child processes)', () => {
  const lines = HOSTILE.flatMap((name, i) => hostileLines(name, 1000 * i));
  const events = parse(lines);
  const untouched = { added: [], removed: [] };
  const ok = (stdout: string) => ({ code: 0, stdout, stderr: '', prototypes: untouched });

  it('view in every mode and format, from a file and from stdin', { timeout: 120_000 }, async () => {
    const file = join(tempDir(), 'hostile.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const trees = buildTree(events);
    const expected: Array<[string[], string]> = [
      [[], renderTreeText(trees)],
      [['--format', 'json'], JSON.stringify(trees, null, 2) + '\n'],
      [['--timeline'], renderTimelineText(trees.map(timelineOf), { width: 100 })],
      [['--timeline', '--format', 'json'], JSON.stringify(trees.map(timelineOf), null, 2) + '\n'],
      [['--grouped'], renderGroupedText(buildGrouped(events))],
      [['--grouped', '--format', 'json'], JSON.stringify(buildGrouped(events), null, 2) + '\n'],
      [['--request', '__proto__'], renderTreeText(buildTree(events.filter((e) => e.request_id === '__proto__')))],
      [['--grouped', '--request', 'constructor'], renderGroupedText(buildGrouped(events.filter((e) => e.request_id === 'constructor')))],
    ];
    const runs = await Promise.all(expected.map(([args]) => optrail(['view', ...args, file])));
    runs.forEach((run, i) => expect(run, expected[i]![0].join(' ')).toEqual(ok(expected[i]![1])));
    const fromStdin = await Promise.all([optrail(['view', '-'], lines.join('\n')), optrail(['view', '--grouped', '--format', 'json', '-'], lines.join('\n'))]);
    expect(fromStdin.map((r) => [r.code, r.stdout, r.prototypes])).toEqual([
      [0, expected[0]![1], untouched],
      [0, expected[5]![1], untouched],
    ]);
    // The request with op `__proto__` renders that op, with its model's tokens.
    expect(runs[6]!.stdout.split('\n').slice(0, 4)).toEqual([
      'request __proto__  0.01ms  2 ops  1 errors  7 tok (in 3, out 4)  $0.5000',
      '  model __proto__  1 call  7 tok (in 3, out 4)  $0.5000',
      '  • __proto__ = 2',
      expect.stringMatching(/^✗ __proto__ +.*  7 tok \(in 3, out 4\)  \$0\.5000  __proto__: __proto__$/),
    ]);
    expect(runs[6]!.stdout.split('\n')[4]).toMatch(/^✓ └─ __proto__ +.*  7 tok \(in 3, out 4\)  \$0\.5000$/);
    expect(Object.keys(JSON.parse(runs[1]!.stdout)[0].totals.tokensByModel)).toEqual(['__proto__']);
  });

  it('stats in text and JSON', { timeout: 60_000 }, async () => {
    const file = join(tempDir(), 'hostile.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const [text, json] = await Promise.all([optrail(['stats', file]), optrail(['stats', '--format', 'json', file])]);
    expect([text.code, text.stderr, text.prototypes, json.code, json.stderr, json.prototypes]).toEqual([0, '', untouched, 0, '', untouched]);
    const sorted = [...HOSTILE].sort((a, b) => a.localeCompare(b));
    const stats = JSON.parse(json.stdout);
    expect(stats.ops.map((o: { name: string; count: number; errors: number }) => [o.name, o.count, o.errors])).toEqual(sorted.map((name) => [name, 2, 1]));
    expect(stats.models).toEqual(
      sorted.map((model) => ({ model, calls: 1, tokens: 7, cost: 0.5, promptTokens: 3, completionTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUnknownCalls: 0 })),
    );
    for (const name of HOSTILE) {
      expect(text.stdout).toMatch(new RegExp(`^${name.padEnd(24)}      2       1 `, 'm'));
      expect(text.stdout).toMatch(new RegExp(`^${name.padEnd(24)}      1         3         4           0            0          0         7             \\$0\\.500000        0$`, 'm'));
    }
  });

  it('convert to a Chrome trace and to HTML', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = join(dir, 'hostile.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const runs = await Promise.all([
      optrail(['convert', file, '--to', 'chrome', '-o', join(dir, 'trace.json')]),
      optrail(['convert', file, '--to', 'html', '-o', join(dir, 'trace.html')]),
    ]);
    expect(runs.map((r) => [r.code, r.prototypes])).toEqual([
      [0, untouched],
      [0, untouched],
    ]);
    expect(readFileSync(join(dir, 'trace.json'), 'utf8')).toBe(JSON.stringify(toChromeTrace(events)));
    expect(readFileSync(join(dir, 'trace.html'), 'utf8')).toContain(renderHtml(events).split('<script type="application/json" id="optrail-data">')[1]!.split('</script>')[0]!);
  });
});
