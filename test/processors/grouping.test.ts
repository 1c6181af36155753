import { describe, expect, it } from 'vitest';
import { aggregate } from '../../processors/aggregate.js';
import { groupBy } from '../../processors/group-by.js';
import { compareEvents } from '../../src/wire/order.js';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';
import { ev, recordingReporter, runMarbles } from './marbles.js';

const a = ev('op_start', 'user', 0);
const b = ev('op_end', 'user', 1, { outputs: {}, status: 'ok', duration_ms: 1, yield_count: 0 });
const c = ev('op_start', 'respond', 2);
const d = ev('op_end', 'respond', 3, { outputs: {}, status: 'ok', duration_ms: 1, yield_count: 0 });
const e = ev('op_start', 'user', 4);

const start = (source: TraceEvent, name: string) => ({ ...source, event_id: `${source.event_id}:group_start`, kind: 'group_start', op_name: null, ctx: [], payload: { name } });
const end = (source: TraceEvent, name: string, status: 'ok' | 'truncated') => ({ ...source, event_id: `${source.event_id}:group_end`, kind: 'group_end', op_name: null, ctx: [], payload: { name, status } });

describe('groupBy (marbles)', () => {
  it('opens before the next event, closes right after a boundary, truncates at completion', () => {
    runMarbles(recordingReporter(), ({ cold, expectObservable }) => {
      const source = cold('a 9ms b 9ms c 9ms d 9ms e 9ms |', { a, b, c, d, e });
      const grouped = source.pipe(groupBy({ boundary: (x) => x.kind === 'op_end' && x.op_name === 'respond' }));
      expectObservable(grouped).toBe('(Sa) 6ms b 9ms c 9ms (dE) 6ms (Fe) 6ms (G|)', {
        S: start(a, 'group-0'),
        a,
        b,
        c,
        d,
        E: end(d, 'group-0', 'ok'),
        F: start(e, 'group-1'),
        e,
        G: end(e, 'group-1', 'truncated'),
      });
    });
  });

  it('the key form closes when the key changes, names groups after their key, and keeps requests apart', () => {
    const t1a = ev('annotation', null, 0, { key: 'turn', value: 't1' });
    const t1b = ev('annotation', null, 1, { key: 'turn', value: 't1' });
    const t2 = ev('annotation', null, 2, { key: 'turn', value: 't2' });
    const other = ev('annotation', null, 0, { key: 'turn', value: 't9' }, { request: 'q' });
    runMarbles(recordingReporter(), ({ cold, expectObservable }) => {
      const source = cold('a 9ms b 9ms x 9ms c 9ms |', { a: t1a, b: t1b, c: t2, x: other });
      const grouped = source.pipe(groupBy({ key: (x) => String((x.payload as { value: unknown }).value) }));
      expectObservable(grouped).toBe('(Sa) 6ms b 9ms (Xx) 6ms (EFc) 5ms (GH|)', {
        S: start(t1a, 't1'),
        a: t1a,
        b: t1b,
        X: start(other, 't9'),
        x: other,
        E: end(t1b, 't1', 'ok'),
        F: start(t2, 't2'),
        c: t2,
        G: end(t2, 't2', 'truncated'),
        H: end(other, 't9', 'truncated'),
      });
    });
  });

  it('markers sort next to their event by (timestamp, seq): start before, end after', () => {
    const events = [end(d, 'g', 'ok'), d, start(a, 'g'), a, c, b] as TraceEvent[];
    expect(events.sort(compareEvents).map((x) => x.event_id)).toEqual(['r-0:group_start', 'r-0', 'r-1', 'r-2', 'r-3', 'r-3:group_end']);
  });
});

describe('aggregate (marbles)', () => {
  it('folds the op inside each group into one summary annotation just before group_end, consuming its events', () => {
    const reporter = recordingReporter();
    const gs = ev('group_start', null, 0, { name: 'turn' });
    const l1 = ev('op_end', 'agent.llm', 1, { outputs: {}, status: 'ok', duration_ms: 5, yield_count: 0 });
    const x = ev('op_end', 'tool', 2, { outputs: {}, status: 'ok', duration_ms: 1, yield_count: 0 });
    const l2 = ev('op_end', 'llm', 3, { outputs: {}, status: 'ok', duration_ms: 7, yield_count: 0 });
    const ge = ev('group_end', null, 4, { name: 'turn', status: 'ok' });
    const outside = ev('op_end', 'llm', 5, { outputs: {}, status: 'ok', duration_ms: 1, yield_count: 0 });
    runMarbles(reporter, ({ cold, expectObservable, report }) => {
      const source = cold('a 9ms b 9ms c 9ms d 9ms e 9ms f 9ms |', { a: gs, b: l1, c: x, d: l2, e: ge, f: outside });
      const out = source.pipe(
        report(aggregate({
          op: 'llm',
          init: () => ({ calls: 0, ms: 0 }),
          reduce: (s, event) => ({ calls: s.calls + 1, ms: s.ms + (event.payload as { duration_ms: number }).duration_ms }),
          emit: (s) => s,
        })),
      );
      expectObservable(out).toBe('a 19ms c 19ms (Se) 6ms f 9ms |', {
        a: gs,
        c: x,
        S: { ...ge, event_id: 'r-4:summary:llm', kind: 'annotation', payload: { key: 'summary:llm', value: { calls: 2, ms: 12 } } },
        e: ge,
        f: outside,
      });
    });
    expect(reporter.counts).toEqual({ 'aggregate:dropped:aggregated': 2 });
  });
});
