/**
 * Issue 17 §4, the read side: tokens and cost roll up per op, request, group and model in the
 * tree, the grouped view and `optrail stats`; a cost that is not known is counted and shown as
 * unknown, never as a silent $0. Hostile usage events first.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatsAccumulator, renderStatsText } from '../src/cli/commands/stats.js';
import { llmUsageOf } from '../src/wire/llm-usage.js';
import { addUsageReading, addUsageSum, type UsageSum } from '../src/wire/llm-usage-sum.js';
import { buildGrouped } from '../views/grouped.js';
import { renderGroupedText } from '../views/render-grouped.js';
import { renderTreeText } from '../views/render-tree.js';
import { buildTimeline } from '../views/timeline.js';
import { allModels, type ModelTokens } from '../views/tree-totals.js';
import { buildTree, type TreeNode } from '../views/tree.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { groupMarker, opEnd, opStart, twoModelsOneUnknown, usage } from './usage-rollups-fixture.js';

// The views' public ModelTokens and the shared arithmetic's UsageSum are one shape.
const sameShape: [ModelTokens, UsageSum] = [{} as UsageSum, {} as ModelTokens];
void sameShape;

const lines = (text: string) => text.split('\n');
const sum = (fields: Partial<ModelTokens>): ModelTokens => ({ calls: 0, prompt: 0, completion: 0, total: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: 0, costUnknownCalls: 0, ...fields });
const statsOf = (events: TraceEvent[]) => {
  const stats = new StatsAccumulator();
  events.forEach(stats.add);
  return stats.result();
};

const ALL_THREE = '4165 tok (in 3350 incl. 1200 cache read + 1500 cache write, out 815 incl. 100 reasoning)  $0.0182 + unknown';
const MODEL_LINES = [
  '  model claude-sonnet-4  1 call  2500 tok (in 2000 incl. 200 cache read + 1500 cache write, out 500)  $0.0135',
  '  model gpt-4o-2024-08-06  2 calls  1555 tok (in 1250 incl. 1000 cache read, out 305 incl. 100 reasoning)  $0.004700',
  '  model my-local-model  1 call  110 tok (in 100, out 10)  cost unknown (1 call)',
];

describe('usage rollups: two models and a model without a price', () => {
  it('tree: each row sums its own and its descendants’ usage; the request line and one line per model summarise it', () => {
    expect(lines(renderTreeText(buildTree(twoModelsOneUnknown())))).toEqual([
      `request run-2  15ms  4 ops  0 errors  ${ALL_THREE}`,
      ...MODEL_LINES,
      `✓ agent            15ms  ${ALL_THREE}`,
      '✓ ├─ plan         2.0ms  1500 tok (in 1200 incl. 1000 cache read, out 300 incl. 100 reasoning)  $0.004500',
      '✓ ├─ answer       2.0ms  2500 tok (in 2000 incl. 200 cache read + 1500 cache write, out 500)  $0.0135',
      '✓ └─ rerank       3.0ms  165 tok (in 150, out 15)  $0.000200 + unknown',
      '',
    ]);
  });

  it('tree totals: per model calls, tokens, cost and the count of calls of unknown cost', () => {
    const [tree] = buildTree(twoModelsOneUnknown());
    expect(tree!.totals).toEqual({
      ops: 4,
      errors: 0,
      costUsd: 0.0045 + 0.0135 + 0.0002,
      costUnknown: true,
      tokensByModel: {
        'gpt-4o-2024-08-06': sum({ calls: 2, prompt: 1250, completion: 305, total: 1555, cacheRead: 1000, reasoning: 100, costUsd: 0.0045 + 0.0002 }),
        'claude-sonnet-4': sum({ calls: 1, prompt: 2000, completion: 500, total: 2500, cacheRead: 200, cacheWrite: 1500, costUsd: 0.0135 }),
        'my-local-model': sum({ calls: 1, prompt: 100, completion: 10, total: 110, costUnknownCalls: 1 }),
      },
    });
    const rerank = tree!.roots[0]!.children[2]!;
    expect(Object.keys(rerank.totals.tokensByModel)).toEqual(['my-local-model', 'gpt-4o-2024-08-06']);
    expect(allModels(rerank.totals)).toEqual(sum({ calls: 2, prompt: 150, completion: 15, total: 165, costUsd: 0.0002, costUnknownCalls: 1 }));
  });

  it('grouped: the whole request with its models, then each turn with its own usage', () => {
    expect(lines(renderGroupedText(buildGrouped(twoModelsOneUnknown())))).toEqual([
      `request run-2  2 group(s)  ${ALL_THREE}`,
      ...MODEL_LINES,
      '  ▸ turn-0  7.0ms  2 ops  0 errors  4000 tok (in 3200 incl. 1200 cache read + 1500 cache write, out 800 incl. 100 reasoning)  $0.0180',
      '      ✓ plan 2.0ms',
      '      ✓ answer 2.0ms',
      '  ▸ turn-1  5.0ms  1 ops  0 errors  165 tok (in 150, out 15)  $0.000200 + unknown',
      '      ✓ rerank 3.0ms',
      '  outside any group',
      '    ✓ agent 15ms',
      '',
    ]);
    const [request] = buildGrouped(twoModelsOneUnknown());
    expect(request!.totals).toMatchObject({ ops: 4, errors: 0, costUnknown: true });
    // Summed model by model, in the order the models came: gpt-4o's two calls, then Claude's.
    expect(allModels(request!.totals)).toEqual(sum({ calls: 4, prompt: 3350, completion: 815, total: 4165, cacheRead: 1200, cacheWrite: 1500, reasoning: 100, costUsd: 0.0045 + 0.0002 + 0.0135, costUnknownCalls: 1 }));
  });

  it('stats: one row per model with every count, the unknown cost said and counted, then all models', () => {
    const stats = statsOf(twoModelsOneUnknown());
    expect(stats.models).toEqual([
      { model: 'claude-sonnet-4', calls: 1, tokens: 2500, cost: 0.0135, promptTokens: 2000, completionTokens: 500, cacheReadTokens: 200, cacheWriteTokens: 1500, reasoningTokens: 0, costUnknownCalls: 0 },
      { model: 'gpt-4o-2024-08-06', calls: 2, tokens: 1555, cost: 0.0045 + 0.0002, promptTokens: 1250, completionTokens: 305, cacheReadTokens: 1000, cacheWriteTokens: 0, reasoningTokens: 100, costUnknownCalls: 0 },
      { model: 'my-local-model', calls: 1, tokens: 110, cost: 0, promptTokens: 100, completionTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUnknownCalls: 1 },
    ]);
    expect(stats.llm).toEqual({ calls: 4, tokens: 4165, cost: 0.0135 + (0.0045 + 0.0002), promptTokens: 3350, completionTokens: 815, cacheReadTokens: 1200, cacheWriteTokens: 1500, reasoningTokens: 100, costUnknownCalls: 1 });
    expect(lines(renderStatsText(stats))).toEqual([
      '1 request(s), 16 event(s), 0 error(s)',
      '',
      'op                        count  errors        p50        p95',
      'agent                         1       0    15.00ms    15.00ms',
      'answer                        1       0     2.00ms     2.00ms',
      'plan                          1       0     2.00ms     2.00ms',
      'rerank                        1       0     3.00ms     3.00ms',
      '',
      'model                     calls     input    output  cache read  cache write  reasoning    tokens                  cost  unknown',
      'claude-sonnet-4               1      2000       500         200         1500          0      2500             $0.013500        0',
      'gpt-4o-2024-08-06             2      1250       305        1000            0        100      1555             $0.004700        0',
      'my-local-model                1       100        10           0            0          0       110          cost unknown        1',
      '(all models)                  4      3350       815        1200         1500        100      4165   $0.018200 + unknown        1',
      '',
    ]);
  });

  it('timeline points name the model, tokens and cost of each call', () => {
    const [timeline] = buildTimeline(twoModelsOneUnknown());
    expect(timeline!.points.filter((p) => p.kind === 'llm_usage').map((p) => p.label)).toEqual([
      'gpt-4o-2024-08-06 1500 tok $0.004500',
      'claude-sonnet-4 2500 tok $0.0135',
      'my-local-model 110 tok cost unknown',
      'gpt-4o-2024-08-06 55 tok $0.000200',
    ]);
  });
});

describe('usage rollups: hostile usage events', () => {
  const request = 'h';
  it('negative, NaN and string counts read as 0, a cost that is no amount as unknown; the call still counts', () => {
    const events = [
      opStart(request, 0, ['bad']),
      usage(request, 1, ['bad'], { model: 'm', prompt_tokens: -5, completion_tokens: NaN, total_tokens: '12', cost_usd: -1, reasoning_tokens: 'many', cache_read_tokens: -3 }),
      opEnd(request, 2, ['bad'], 2),
    ];
    const [tree] = buildTree(events);
    expect(tree!.totals.tokensByModel.m).toEqual(sum({ calls: 1, costUnknownCalls: 1 }));
    expect(lines(renderTreeText([tree!]))[2]).toBe('✓ bad             2.0ms  0 tok (in 0, out 0)  cost unknown');
    expect(statsOf(events).models).toEqual([{ model: 'm', calls: 1, tokens: 0, cost: 0, promptTokens: 0, completionTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUnknownCalls: 1 }]);
  });

  it('a call of zero tokens and unknown cost is shown, not hidden for having no tokens', () => {
    const events = [opStart(request, 0, ['free']), usage(request, 1, ['free'], { model: 'm', prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost_usd: 0, cost_unknown: true }), opEnd(request, 2, ['free'], 2)];
    expect(lines(renderTreeText(buildTree(events)))).toEqual([
      'request h  2.0ms  1 ops  0 errors  0 tok (in 0, out 0)  cost unknown',
      '  model m  1 call  0 tok (in 0, out 0)  cost unknown (1 call)',
      '✓ free            2.0ms  0 tok (in 0, out 0)  cost unknown',
      '',
    ]);
  });

  it('huge counts (1e300, and sums past the largest double) stay numbers: never Infinity, never null in JSON', () => {
    const huge = { model: 'm', prompt_tokens: 1e300, completion_tokens: 1e308, total_tokens: 1e308, cost_usd: 1e300 };
    const events = [opStart(request, 0, ['big']), usage(request, 1, ['big'], huge), usage(request, 2, ['big'], huge), opEnd(request, 3, ['big'], 3)];
    const [tree] = buildTree(events);
    const m = tree!.totals.tokensByModel.m!;
    expect(m).toEqual(sum({ calls: 2, prompt: 2e300, completion: Number.MAX_VALUE, total: Number.MAX_VALUE, costUsd: 2e300 }));
    expect(JSON.parse(JSON.stringify(tree)).totals.tokensByModel.m.total).toBe(Number.MAX_VALUE);
    expect(lines(renderTreeText([tree!]))[2]).toBe('✓ big             3.0ms  1.7976931348623157e+308 tok (in 2e+300, out 1.7976931348623157e+308)  $2e+300');
    expect(statsOf(events).llm).toMatchObject({ calls: 2, tokens: Number.MAX_VALUE, promptTokens: 2e300, cost: 2e300 });
  });

  it('usage at request level (no op) counts in the request, its model line, the group it was in, and stats', () => {
    const events = [
      groupMarker(request, 0, 'group_start', 'turn'),
      usage(request, 1, [], { model: 'outside', prompt_tokens: 7, completion_tokens: 3, total_tokens: 10, cost_usd: 0.02 }),
      opStart(request, 2, ['step']),
      opEnd(request, 3, ['step'], 1),
      groupMarker(request, 4, 'group_end', 'turn'),
    ];
    const [tree] = buildTree(events);
    expect(tree!.usage).toEqual([events[1]!.payload]);
    expect(lines(renderTreeText([tree!]))).toEqual([
      'request h  4.0ms  1 ops  0 errors  10 tok (in 7, out 3)  $0.0200',
      '  model outside  1 call  10 tok (in 7, out 3)  $0.0200',
      '✓ step            1.0ms',
      '',
    ]);
    expect(lines(renderGroupedText(buildGrouped(events))).slice(0, 3)).toEqual([
      'request h  1 group(s)  10 tok (in 7, out 3)  $0.0200',
      '  model outside  1 call  10 tok (in 7, out 3)  $0.0200',
      '  ▸ turn  4.0ms  1 ops  0 errors  10 tok (in 7, out 3)  $0.0200',
    ]);
    expect(statsOf(events).models.map((m) => [m.model, m.calls, m.tokens])).toEqual([['outside', 1, 10]]);
  });

  it('usage of an op that never ended is in its row (marked unfinished) and in the request', () => {
    const events = [opStart(request, 0, ['agent']), opStart(request, 1, ['agent', 'stream']), usage(request, 2, ['agent', 'stream'], { model: 'm', prompt_tokens: 4, completion_tokens: 1, total_tokens: 5, cost_usd: 0.001 }), opEnd(request, 3, ['agent'], 3)];
    expect(lines(renderTreeText(buildTree(events)))).toEqual([
      'request h  3.0ms  2 ops  0 errors  5 tok (in 4, out 1)  $0.001000',
      '  model m  1 call  5 tok (in 4, out 1)  $0.001000',
      '✓ agent           3.0ms  5 tok (in 4, out 1)  $0.001000',
      '… └─ stream           —  5 tok (in 4, out 1)  $0.001000',
      '',
    ]);
  });

  it('models named __proto__ and constructor are models like any other in every breakdown', () => {
    const events = [
      opStart(request, 0, ['llm']),
      usage(request, 1, ['llm'], { model: '__proto__', prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost_usd: 0.5 }),
      usage(request, 2, ['llm'], { model: 'constructor', prompt_tokens: 2, completion_tokens: 2, total_tokens: 4, cost_unknown: true, cost_usd: 0 }),
      usage(request, 3, ['llm'], { model: 'toString', prompt_tokens: 3, completion_tokens: 3, total_tokens: 6, cost_usd: 0.25 }),
      opEnd(request, 4, ['llm'], 4),
    ];
    const [tree] = buildTree(events);
    expect(Object.getPrototypeOf(tree!.totals.tokensByModel)).toBeNull();
    expect(Object.keys(tree!.totals.tokensByModel)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).calls).toBeUndefined();
    expect(lines(renderTreeText([tree!])).slice(0, 4)).toEqual([
      'request h  4.0ms  1 ops  0 errors  12 tok (in 6, out 6)  $0.7500 + unknown',
      '  model __proto__  1 call  2 tok (in 1, out 1)  $0.5000',
      '  model constructor  1 call  4 tok (in 2, out 2)  cost unknown (1 call)',
      '  model toString  1 call  6 tok (in 3, out 3)  $0.2500',
    ]);
    expect(Object.keys(JSON.parse(JSON.stringify(tree)).totals.tokensByModel)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(statsOf(events).models.map((m) => [m.model, m.calls, m.tokens, m.costUnknownCalls])).toEqual([
      ['__proto__', 1, 2, 0],
      ['constructor', 1, 4, 1],
      ['toString', 1, 6, 0],
    ]);
  });

  it('old streams: the five fields alone, and cached_prompt_tokens read as cache reads', () => {
    const events = [
      opStart(request, 0, ['old']),
      usage(request, 1, ['old'], { model: 'gpt-4o-mini', prompt_tokens: 12, completion_tokens: 2, total_tokens: 14, cost_usd: 0.0000036 }),
      usage(request, 2, ['old'], { model: 'gpt-4o-mini', prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, cost_usd: 0.000002, cached_prompt_tokens: 8, reasoning_tokens: 1 }),
      usage(request, 3, ['old'], { model: 'gpt-4o-mini', prompt_tokens: 3, completion_tokens: 1 }), // no cost at all: unknown, not $0
      opEnd(request, 4, ['old'], 4),
    ];
    const [tree] = buildTree(events);
    expect(tree!.totals.tokensByModel['gpt-4o-mini']).toEqual(sum({ calls: 3, prompt: 25, completion: 4, total: 29, cacheRead: 8, reasoning: 1, costUsd: 0.0000036 + 0.000002, costUnknownCalls: 1 }));
    expect(lines(renderTreeText([tree!]))[2]).toBe('✓ old             4.0ms  29 tok (in 25 incl. 8 cache read, out 4 incl. 1 reasoning)  $0.000006 + unknown');
  });
});

describe('usage rollups: every path sums the same', () => {
  const MODELS = ['gpt-4o', 'claude', '__proto__', 'constructor'];
  const call = fc.record({
    op: fc.constantFrom(['root'], ['root', 'a'], ['root', 'a', 'b'], ['root', 'c'], []),
    model: fc.constantFrom(...MODELS),
    prompt: fc.nat(1e6),
    completion: fc.nat(1e6),
    cacheRead: fc.nat(1e6),
    reasoning: fc.nat(1e6),
    // Whole dollars, so sums in any order are exact and the paths can be compared with toEqual.
    cost: fc.option(fc.nat(1000), { nil: undefined }),
  });

  it('the tree (each row = its own + its children), the grouped view and stats agree, model by model', () => {
    fc.assert(
      fc.property(fc.array(call, { maxLength: 30 }), (calls) => {
        const r = 'p';
        const ops = [['root'], ['root', 'a'], ['root', 'a', 'b'], ['root', 'c']];
        const events: TraceEvent[] = ops.map((op, i) => opStart(r, i, op));
        calls.forEach((c, i) => {
          const payload = { model: c.model, prompt_tokens: c.prompt, completion_tokens: c.completion, total_tokens: c.prompt + c.completion, cache_read_tokens: c.cacheRead, reasoning_tokens: c.reasoning, cost_usd: c.cost ?? 0, ...(c.cost === undefined ? { cost_unknown: true } : {}) };
          events.push(usage(r, 10 + i, c.op, payload));
        });
        ops.forEach((op, i) => events.push(opEnd(r, 100 - i, op, 1)));
        const [tree] = buildTree(events);
        const check = (node: TreeNode): ModelTokens => {
          const expected = sum({});
          for (const u of node.usage) addUsageReading(expected, llmUsageOf(u));
          for (const child of node.children) addUsageSum(expected, check(child));
          expect(allModels(node.totals)).toEqual(expected);
          return expected;
        };
        tree!.roots.forEach(check);
        const stats = statsOf(events);
        const [grouped] = buildGrouped(events);
        for (const m of stats.models) {
          const fromTree = tree!.totals.tokensByModel[m.model]!;
          expect([fromTree.calls, fromTree.prompt, fromTree.completion, fromTree.total, fromTree.cacheRead, fromTree.reasoning, fromTree.costUsd, fromTree.costUnknownCalls]).toEqual([
            m.calls, m.promptTokens, m.completionTokens, m.tokens, m.cacheReadTokens, m.reasoningTokens, m.cost, m.costUnknownCalls,
          ]);
          expect(grouped!.totals.tokensByModel[m.model]).toEqual(fromTree);
        }
        expect(Object.keys(tree!.totals.tokensByModel).sort()).toEqual(stats.models.map((m) => m.model).sort());
        expect(allModels(tree!.totals).calls).toBe(calls.length);
        expect(tree!.totals.costUnknown).toBe(calls.some((c) => c.cost === undefined));
      }),
      { numRuns: 200 },
    );
  });
});
