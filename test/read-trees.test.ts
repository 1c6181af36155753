import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { jsonlExporter } from '../exporters/jsonl.js';
import { buildGrouped, GroupedBuilder } from '../views/grouped.js';
import { readGrouped, readTrees } from '../views/read-trees.js';
import { buildTree, TreeBuilder } from '../views/tree.js';
import { op } from '../src/recording/op.js';
import { createPipeline } from '../src/pipeline/pipeline.js';
import { readEvents, TraceReadError, type ReadProblem } from '../src/read/read-events.js';
import { recordLlmUsage } from '../src/recording/llm-usage.js';
import { annotate } from '../src/recording/annotate.js';
import { group } from '../src/recording/group.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { tempDir } from './helpers.js';

const read = (path: string) => lastValueFrom(readEvents(path).pipe(toArray()));

/** Three requests running at once, so their lines interleave in the file. */
async function recordInterleaved(path: string): Promise<void> {
  const pipeline = createPipeline({ exporters: [jsonlExporter({ path })], exitSafety: false, logger: false });
  const tool = op('tool', async (i: number) => {
    await new Promise((resolve) => setImmediate(resolve));
    annotate('i', i);
    return { i };
  });
  const llm = op('llm', async () => {
    await Promise.resolve();
    recordLlmUsage({ model: 'm', promptTokens: 2, completionTokens: 3, costUsd: 0.25 });
    return 'ok';
  });
  const agent = op('agent', async (n: number) => {
    await group('tools', async () => {
      for (let i = 0; i < n; i++) await tool(i);
    }, { n });
    return group('answer', () => llm());
  });
  await Promise.all([1, 2, 3].map((n) => pipeline.run(() => agent(n), { requestId: `req-${n}` })));
  await pipeline.shutdown();
}

/** A fresh directory with `run.jsonl` recorded by `recordInterleaved`, and its events. */
async function recorded(): Promise<{ dir: string; path: string; text: string; events: TraceEvent[] }> {
  const dir = tempDir();
  const path = join(dir, 'run.jsonl');
  await recordInterleaved(path);
  return { dir, path, text: readFileSync(path, 'utf8'), events: await read(path) };
}

/** `events` with the first and last event of one request swapped: that request is out of order. */
function withFirstAndLastSwapped(events: readonly TraceEvent[], requestId: string): TraceEvent[] {
  const swapped = [...events];
  const a = swapped.findIndex((e) => e.request_id === requestId);
  const b = swapped.findLastIndex((e) => e.request_id === requestId);
  [swapped[a], swapped[b]] = [swapped[b]!, swapped[a]!];
  return swapped;
}

function shuffledLines(text: string, seed: number): string {
  const lines = text.split('\n').filter(Boolean);
  let s = seed;
  for (let i = lines.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines.join('\n') + '\n';
}

describe('readTrees and TreeBuilder: trees without keeping the events', () => {
  it('an in-order file gives the trees of buildTree in one read, interleaved requests included', async () => {
    const { path, events } = await recorded();
    expect(new Set(events.map((e) => e.request_id))).toEqual(new Set(['req-1', 'req-2', 'req-3']));
    expect(await readTrees(path)).toEqual(buildTree(events));

    const builder = new TreeBuilder();
    for (const event of events) builder.add(event);
    expect(builder.outOfOrder.size).toBe(0);
    expect(builder.eventCount).toBe(events.length);
    expect(builder.build()).toEqual(buildTree(events));
  });

  it('requests out of order in the file are read again and rebuilt; the trees are still exactly buildTree', async () => {
    const { dir, text, events } = await recorded();
    for (const seed of [1, 2, 3]) {
      const mixed = join(dir, `mixed-${seed}.jsonl`);
      writeFileSync(mixed, shuffledLines(text, seed));
      expect(await readTrees(mixed)).toEqual(buildTree(events));
    }
  });

  it('TreeBuilder names the requests it could not follow and leaves them out until rebuilt', async () => {
    const { path, events } = await recorded();
    const swapped = withFirstAndLastSwapped(events, 'req-2');
    const builder = new TreeBuilder();
    for (const event of swapped) builder.add(event);
    expect([...builder.outOfOrder]).toEqual(['req-2']);
    expect(builder.build().map((t) => t.requestId)).toEqual(buildTree(events).map((t) => t.requestId).filter((id) => id !== 'req-2'));
    builder.rebuild(swapped.filter((e: TraceEvent) => e.request_id === 'req-2'));
    expect(builder.outOfOrder.size).toBe(0);
    expect(builder.build()).toEqual(buildTree(events));
  });

  it('bad lines are reported once even when a second read is needed; strict still fails', async () => {
    const { dir, text, events } = await recorded();
    const mixed = join(dir, 'mixed.jsonl');
    writeFileSync(mixed, 'not json\n' + shuffledLines(text, 9));
    const problems: ReadProblem[] = [];
    expect(await readTrees(mixed, { onError: (p) => problems.push(p) })).toEqual(buildTree(events));
    expect(problems).toEqual([{ source: mixed, line: 1, message: expect.stringContaining('invalid JSON') }]);
    await expect(readTrees(mixed, { strict: true })).rejects.toBeInstanceOf(TraceReadError);
  });

  it('readGrouped and GroupedBuilder follow the same rules: exactly buildGrouped, in order, shuffled, or with a request out of order', async () => {
    const { dir, path, text, events } = await recorded();
    const expected = buildGrouped(events);
    expect(expected.map((r) => r.groups.map((g) => [g.name, g.status, g.totals.ops]))).toEqual([
      [['tools', 'ok', 1], ['answer', 'ok', 1]],
      [['tools', 'ok', 2], ['answer', 'ok', 1]],
      [['tools', 'ok', 3], ['answer', 'ok', 1]],
    ]);
    expect(await readGrouped(path)).toEqual(expected);
    for (const seed of [4, 5]) {
      const mixed = join(dir, `grouped-${seed}.jsonl`);
      writeFileSync(mixed, shuffledLines(text, seed));
      expect(await readGrouped(mixed)).toEqual(expected);
    }
    const swapped = withFirstAndLastSwapped(events, 'req-3');
    const builder = new GroupedBuilder();
    for (const event of swapped) builder.add(event);
    expect([...builder.outOfOrder]).toEqual(['req-3']);
    builder.rebuild(swapped.filter((e) => e.request_id === 'req-3'));
    expect(builder.build()).toEqual(expected);
  });
});
