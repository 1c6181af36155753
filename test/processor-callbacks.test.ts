import { describe, expect, it } from 'vitest';
import { startChild } from './child-process.js';

describe('a processor callback that throws never crashes the program', () => {
  it('every built-in processor, each callback throwing, in a child process: exit 0, results unchanged, every event delivered, failures counted and reported', async () => {
    const { exited } = startChild('test/children/throwing-callbacks-child.ts', []);
    const { code, stdout, stderr } = await exited;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.pop()).toBe('done');
    const results = lines.map((line) => JSON.parse(line));
    expect(results.map((r) => `${r.processor}.${r.callback}`)).toEqual([
      'filter.predicate',
      'groupBy.boundary',
      'groupBy.key',
      'groupBy.name',
      'aggregate.init',
      'aggregate.reduce',
      'aggregate.emit',
      'tailSample.keep',
      'redact.redactors',
    ]);
    for (const r of results) {
      const what = `${r.processor}.${r.callback}`;
      expect(r.returned, what).toEqual([{ i: 1 }, { i: 2 }, 'DONE']);
      // group_start, 3 × (op_start, op_end), group_end and the request's end
      expect(r.recorded, what).toBe(9);
      expect(r.missing, what).toEqual([]);
      expect(r.dropped, what).toEqual({});
      expect(r.counters.errors, what).toBe(0);
      expect(r.counters.callbackErrors[r.callback], what).toBeGreaterThan(0);
      expect(r.errors, what).toContain(`processor:${r.processor}.${r.callback}`);
      expect(r.health.status, what).toBe('degraded');
      expect(r.health.reasons.join('; '), what).toContain(`processor ${r.processor}: its callbacks threw`);
    }
  });
});
