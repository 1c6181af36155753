import { describe, expect, it } from 'vitest';
import { dropEmpty } from '../../processors/drop-empty.js';
import { dropKinds } from '../../processors/drop-kinds.js';
import { dropOps } from '../../processors/drop-ops.js';
import { filter } from '../../processors/filter.js';
import { groupBy } from '../../processors/group-by.js';
import { keepOps } from '../../processors/keep-ops.js';
import { redact } from '../../processors/redact.js';
import { sample } from '../../processors/sample.js';
import { truncate } from '../../processors/truncate.js';
import { validate } from '../../processors/validate.js';
import { op } from '../../src/recording/op.js';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';
import { tracer } from '../helpers.js';
import { ev, recordingReporter, runMarbles } from './marbles.js';

const ok = (outputs: Record<string, unknown>) => ({ outputs, status: 'ok', duration_ms: 1, yield_count: 0 });
const a = ev('op_start', 'graph.search', 0, { inputs: { q: 'x'.repeat(20) } });
const b = ev('op_end', 'graph.search', 1, ok({}));
const c = ev('annotation', null, 2, { key: 'email', value: 'ada@example.com' });
const d = ev('op_end', 'llm', 3, ok({ text: 'hi' }));
const source = 'a 9ms b 9ms c 9ms d 9ms |';
const values = { a, b, c, d };

describe('every processor in marbles: timing and order are kept, drops leave gaps', () => {
  const cases: Array<[string, () => any, string, Record<string, TraceEvent>, Record<string, number>]> = [
    ['keepOps', () => keepOps(['search']), 'a 9ms b 9ms c 19ms |', { a, b, c }, { 'keepOps:dropped:op_not_kept': 1 }],
    ['dropOps', () => dropOps(['search']), '20ms c 9ms d 9ms |', { c, d }, { 'dropOps:dropped:op_dropped': 2 }],
    ['dropKinds', () => dropKinds(['annotation']), 'a 9ms b 19ms d 9ms |', { a, b, d }, { 'dropKinds:dropped:kind_dropped': 1 }],
    ['dropEmpty', () => dropEmpty(), 'a 19ms c 9ms d 9ms |', { a, c, d }, { 'dropEmpty:dropped:empty_outputs': 1 }],
    ['filter', () => filter((e) => e.seq !== 2), 'a 9ms b 19ms d 9ms |', { a, b, d }, { 'filter:dropped:filtered': 1 }],
    ['sample (rate 1)', () => sample({ rate: 1 }), source, values, {}],
    ['sample (rate 0)', () => sample({ rate: 0 }), '40ms |', {}, { 'sample:dropped:sampled_out': 4 }],
  ];
  for (const [name, make, expected, expectedValues, counts] of cases) {
    it(name, () => {
      const reporter = recordingReporter();
      runMarbles(reporter, ({ cold, expectObservable, report }) => {
        expectObservable(cold(source, values).pipe(report(make()))).toBe(expected, expectedValues);
      });
      expect(reporter.counts).toEqual(counts);
    });
  }

  it('truncate and redact replace events in place, same id and seq', () => {
    const reporter = recordingReporter();
    runMarbles(reporter, ({ cold, expectObservable, report }) => {
      const cut = { ...a, payload: { inputs: { q: 'xxxxxxxxxxxxxxx…[truncated 5 bytes]' } } } as TraceEvent;
      expectObservable(cold(source, values).pipe(report(truncate({ maxBytes: 15 })))).toBe(source, { a: cut, b, c, d });
      const hidden = { ...c, payload: { key: 'email', value: '<redacted>' } } as TraceEvent;
      expectObservable(cold(source, values).pipe(report(redact()))).toBe(source, { a, b, c: hidden, d });
    });
    expect(reporter.counts).toEqual({ 'truncate:changed:truncated': 1, 'redact:changed:redacted': 1 });
  });

  it('validate puts its marker right after the offending event', () => {
    runMarbles(recordingReporter(), ({ cold, expectObservable }) => {
      const marker = {
        ...b,
        event_id: 'r-1:invalid:op_end_without_op_start',
        kind: 'annotation',
        op_name: null,
        ctx: [],
        payload: { key: 'optrail.invalid', value: { rule: 'op_end_without_op_start', event_id: 'r-1', message: 'op_end of graph.search with no op_start' } },
      } as unknown as TraceEvent;
      expectObservable(cold('b 9ms |', { b }).pipe(validate())).toBe('(bM) 6ms |', { b, M: marker });
    });
  });
});

describe('processor state spans batches', () => {
  it('a group opened in one batch closes in a later one: one group', async () => {
    const { pipeline, memory } = tracer({ processors: [groupBy({ boundary: (e) => e.kind === 'op_end' && e.op_name === 'respond' })], batch: { maxEvents: 1 } });
    const step = op('step', () => 1);
    const respond = op('respond', () => 2);
    pipeline.run(() => {
      step();
      step();
      respond();
    });
    await pipeline.flush();
    const markers = memory.events.filter((e) => e.kind.startsWith('group'));
    expect(markers.map((e) => [e.kind, (e.payload as { name: string }).name])).toEqual([
      ['group_start', 'group-0'],
      ['group_end', 'group-0'],
    ]);
    expect(pipeline.metrics().exporters.memory!.batches).toBe(9); // 8 events and the request's end
  });
});
