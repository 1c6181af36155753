/**
 * Issue 17 §4 as the program runs: `optrail view` and `optrail stats` (child processes) on a
 * recording with two priced models and one without a price, old-format events among them.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeEvent } from '../src/wire/serialize.js';
import { tempDir } from './helpers.js';
import { twoModelsOneUnknown, usage } from './usage-rollups-fixture.js';

const root = join(import.meta.dirname, '..');

function optrail(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function recording(): string {
  // An older writer's event too: the five fields and cached_prompt_tokens, at request level.
  const events = [...twoModelsOneUnknown(), usage('run-2', 16, [], { model: 'gpt-4o-2024-08-06', prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, cost_usd: 0.0001, cached_prompt_tokens: 4 })];
  const file = join(tempDir(), 'run.jsonl');
  writeFileSync(file, events.map((e) => serializeEvent(e)).join('\n') + '\n');
  return file;
}

describe('optrail view and stats on usage (child processes)', () => {
  it('view: the tree with its request summary and model lines', { timeout: 60_000 }, async () => {
    const all = '4177 tok (in 3360 incl. 1204 cache read + 1500 cache write, out 817 incl. 100 reasoning)  $0.0183 + unknown';
    expect(await optrail(['view', recording()])).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `request run-2  16ms  4 ops  0 errors  ${all}`,
        '  model claude-sonnet-4  1 call  2500 tok (in 2000 incl. 200 cache read + 1500 cache write, out 500)  $0.0135',
        '  model gpt-4o-2024-08-06  3 calls  1567 tok (in 1260 incl. 1004 cache read, out 307 incl. 100 reasoning)  $0.004800',
        '  model my-local-model  1 call  110 tok (in 100, out 10)  cost unknown (1 call)',
        '✓ agent            15ms  4165 tok (in 3350 incl. 1200 cache read + 1500 cache write, out 815 incl. 100 reasoning)  $0.0182 + unknown',
        '✓ ├─ plan         2.0ms  1500 tok (in 1200 incl. 1000 cache read, out 300 incl. 100 reasoning)  $0.004500',
        '✓ ├─ answer       2.0ms  2500 tok (in 2000 incl. 200 cache read + 1500 cache write, out 500)  $0.0135',
        '✓ └─ rerank       3.0ms  165 tok (in 150, out 15)  $0.000200 + unknown',
        '',
      ].join('\n'),
    });
  });

  it('stats: text and JSON', { timeout: 60_000 }, async () => {
    const file = recording();
    const [text, json] = await Promise.all([optrail(['stats', file]), optrail(['stats', '--format', 'json', file])]);
    expect(text).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        '1 request(s), 17 event(s), 0 error(s)',
        '',
        'op                        count  errors        p50        p95',
        'agent                         1       0    15.00ms    15.00ms',
        'answer                        1       0     2.00ms     2.00ms',
        'plan                          1       0     2.00ms     2.00ms',
        'rerank                        1       0     3.00ms     3.00ms',
        '',
        'model                     calls     input    output  cache read  cache write  reasoning    tokens                  cost  unknown',
        'claude-sonnet-4               1      2000       500         200         1500          0      2500             $0.013500        0',
        'gpt-4o-2024-08-06             3      1260       307        1004            0        100      1567             $0.004800        0',
        'my-local-model                1       100        10           0            0          0       110          cost unknown        1',
        '(all models)                  5      3360       817        1204         1500        100      4177   $0.018300 + unknown        1',
        '',
      ].join('\n'),
    });
    expect(json.code).toBe(0);
    const stats = JSON.parse(json.stdout);
    expect(stats.models.map((m: { model: string; calls: number; costUnknownCalls: number }) => [m.model, m.calls, m.costUnknownCalls])).toEqual([
      ['claude-sonnet-4', 1, 0],
      ['gpt-4o-2024-08-06', 3, 0],
      ['my-local-model', 1, 1],
    ]);
    expect(stats.llm).toMatchObject({ calls: 5, tokens: 4177, promptTokens: 3360, completionTokens: 817, cacheReadTokens: 1204, cacheWriteTokens: 1500, reasoningTokens: 100, costUnknownCalls: 1 });
  });
});
