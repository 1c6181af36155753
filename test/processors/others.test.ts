import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { dropEmpty } from '../../processors/drop-empty.js';
import { dropKinds } from '../../processors/drop-kinds.js';
import { dropOps } from '../../processors/drop-ops.js';
import { filter } from '../../processors/filter.js';
import { keepOps } from '../../processors/keep-ops.js';
import { reorder } from '../../processors/reorder.js';
import { sample } from '../../processors/sample.js';
import { sampledIn } from '../../processors/sampling-rule.js';
import { tailSample } from '../../processors/tail-sample.js';
import { truncate, truncateUtf8 } from '../../processors/truncate.js';
import { validate } from '../../processors/validate.js';
import { op } from '../../src/recording/op.js';
import { reportingTo } from '../../src/pipeline/processor-reporter.js';
import type { Processor, TraceEvent } from '../../src/pipeline/exporter-types.js';
import { tracer } from '../helpers.js';
import { ev, recordingReporter, runMarbles } from './marbles.js';

async function through(processor: Processor, events: TraceEvent[]) {
  const reporter = recordingReporter();
  const out = await lastValueFrom(from(events).pipe(reportingTo(processor, reporter), toArray()));
  return { out, counts: reporter.counts };
}
const ok = (outputs: Record<string, unknown> = { v: 1 }) => ({ outputs, status: 'ok', duration_ms: 1, yield_count: 0 });

describe('sample', () => {
  it("uses operonx's MD5 rule: known values, whole requests, same decision every time", async () => {
    // MD5(id)[0..8] / 2^64, computed independently with Python's hashlib:
    // req-1 → 0.8210445477754932, req-3 → 0.3185151862206633.
    expect(sampledIn('req-1', 0.8211)).toBe(true);
    expect(sampledIn('req-1', 0.821)).toBe(false);
    expect(sampledIn('req-3', 0.3186)).toBe(true);
    expect(sampledIn('req-3', 0.3185)).toBe(false);
    const events = [ev('op_start', 'f', 0, {}, { request: 'req-3' }), ev('op_start', 'f', 0, {}, { request: 'req-1' }), ev('op_end', 'f', 1, ok(), { request: 'req-3' })];
    const { out, counts } = await through(sample({ rate: 0.5 }), events);
    expect(out.map((e) => e.request_id)).toEqual(['req-3', 'req-3']);
    expect(counts).toEqual({ 'sample:dropped:sampled_out': 1 });
    expect((await through(sample({ rate: 1 }), events)).out).toHaveLength(3);
    expect((await through(sample({ rate: 0 }), events)).out).toHaveLength(0);
  });

  it('a rate outside [0, 1] is a clear error', () => {
    expect(() => sample({ rate: 1.5 })).toThrow('sample: rate must be a number from 0 to 1, got 1.5');
    expect(() => sample({ rate: Number.NaN })).toThrow(RangeError);
  });
});

describe('tailSample', () => {
  const request = (id: string, status: string, cost = 0) => [
    ev('op_start', 'agent', 0, {}, { request: id }),
    ev('llm_usage', 'agent', 1, { model: 'm', prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost_usd: cost }, { request: id }),
    ev('op_end', 'agent', 2, { outputs: {}, status, duration_ms: 1, yield_count: 0 }, { request: id }),
  ];

  it('holds a request until its ops end, keeps errors and costly ones, drops the rest at rate 0', async () => {
    const events = [...request('fine', 'ok'), ...request('failed', 'error'), ...request('pricey', 'ok', 1)];
    const { out, counts } = await through(tailSample(), events);
    expect(out.map((e) => `${e.request_id}-${e.seq}`)).toEqual(['failed-0', 'failed-1', 'failed-2', 'pricey-0', 'pricey-1', 'pricey-2']);
    expect(counts).toEqual({ 'tailSample:dropped:tail_sampled_out': 3 });
  });

  it('decides at maxWaitMs when a request never completes (virtual time)', () => {
    runMarbles(recordingReporter(), ({ cold, expectObservable }) => {
      const [a, b] = request('hung', 'ok') as [TraceEvent, TraceEvent, TraceEvent];
      const source = cold('a 9ms b 100ms |', { a, b });
      expectObservable(source.pipe(tailSample({ keep: (s) => s.openOps > 0, maxWaitMs: 50 }))).toBe('50ms (ab) 57ms |', { a, b });
    });
  });

  it('bounds memory: past maxRequests the oldest request is decided early, and counted', async () => {
    const events = [ev('op_start', 'f', 0, {}, { request: 'a' }), ev('op_start', 'f', 0, {}, { request: 'b' }), ev('op_start', 'f', 0, {}, { request: 'c' })];
    const seen: string[] = [];
    const { out, counts } = await through(tailSample({ maxRequests: 2, keep: (s) => (seen.push(`${s.requestId}:${s.reason}`), true) }), events);
    expect(seen).toEqual(['a:memory', 'b:stream_end', 'c:stream_end']);
    expect(out).toHaveLength(3);
    expect(counts).toEqual({ 'tailSample:changed:decided_early': 1 });
  });
});

describe('filters', () => {
  const events = [
    ev('op_start', 'graph.search', 0),
    ev('op_end', 'graph.search', 1, ok({})),
    ev('op_start', 'llm', 2),
    ev('op_end', 'llm', 3, ok({ a: null })),
    ev('annotation', null, 4, { key: 'k', value: 1 }),
  ];
  it('keepOps / dropOps match full or short names; null op_name passes', async () => {
    expect((await through(keepOps(['search']), events)).out.map((e) => e.seq)).toEqual([0, 1, 4]);
    const dropped = await through(dropOps(['graph.search']), events);
    expect(dropped.out.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(dropped.counts).toEqual({ 'dropOps:dropped:op_dropped': 2 });
  });
  it('dropKinds, dropEmpty and filter count what they drop', async () => {
    expect((await through(dropKinds(['annotation']), events)).out.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    const empty = await through(dropEmpty(), events);
    expect(empty.out.map((e) => e.seq)).toEqual([0, 2, 4]);
    expect(empty.counts).toEqual({ 'dropEmpty:dropped:empty_outputs': 2 });
    const custom = await through(filter((e) => e.seq % 2 === 0, { reason: 'odd' }), events);
    expect(custom.out.map((e) => e.seq)).toEqual([0, 2, 4]);
    expect(custom.counts).toEqual({ 'filter:dropped:odd': 2 });
  });
});

describe('truncate', () => {
  it('cuts on a UTF-8 boundary and says how many bytes went', () => {
    expect(truncateUtf8('héllo wörld', 3)).toBe('hé…[truncated 10 bytes]');
    expect(truncateUtf8('日本語', 4)).toBe('日…[truncated 6 bytes]');
    expect(truncateUtf8('short', 100)).toBe('short');
  });
  it('caps strings anywhere in the payload; untouched events stay the same object', async () => {
    const long = ev('op_end', 'f', 0, { ...ok({ text: 'x'.repeat(5000), list: ['y'.repeat(10)] }), error: undefined });
    const small = ev('op_start', 'f', 1, { inputs: { q: 'hi' } });
    const { out, counts } = await through(truncate({ maxBytes: 8 }), [long, small]);
    expect((out[0]!.payload as any).outputs).toEqual({ text: 'xxxxxxxx…[truncated 4992 bytes]', list: ['yyyyyyyy…[truncated 2 bytes]'] });
    expect(out[1]).toBe(small);
    expect(counts).toEqual({ 'truncate:changed:truncated': 1 });
  });
});

describe('reorder', () => {
  it('puts events from several emitters in (timestamp, seq) order within the window; late ones pass and are counted', () => {
    const reporter = recordingReporter();
    const x1 = ev('op_start', 'f', 0, {}, { request: 'x', at: 1000 });
    const y1 = ev('op_start', 'g', 0, {}, { request: 'y', at: 500 });
    const x2 = ev('op_end', 'f', 1, ok(), { request: 'x', at: 3000 });
    const late = ev('annotation', null, 2, { key: 'k', value: 1 }, { request: 'y', at: 100 });
    runMarbles(reporter, ({ cold, expectObservable, report }) => {
      const source = cold('a b c 10ms d 100ms |', { a: x1, b: y1, c: x2, d: late });
      expectObservable(source.pipe(report(reorder({ maxDelayMs: 1, idleFlushMs: 50 })))).toBe('2ms (ba) 7ms d 38ms c 61ms |', { a: x1, b: y1, c: x2, d: late });
    });
    expect(reporter.counts).toEqual({ 'reorder:changed:late': 1 });
  });
});

describe('validate', () => {
  it('reports each broken invariant as a marker after the event, and in the counts', async () => {
    const events = [
      ev('op_end', 'ghost', 0, ok()),
      ev('op_start', 'f', 1),
      ev('op_end', 'f', 2, ok()),
      ev('op_end', 'f', 3, ok()),
      ev('llm_usage', 'f', 4, { model: 'm', prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost_usd: 0 }),
      ev('annotation', null, 1, { key: 'k', value: 1 }),
      ev('group_end', null, 6, { name: 'g', status: 'ok' }),
    ];
    const { out, counts } = await through(validate(), events);
    const markers = out.filter((e) => (e.payload as any).key === 'optrail.invalid').map((e) => [e.event_id, (e.payload as any).value.rule]);
    expect(markers).toEqual([
      ['r-0:invalid:op_end_without_op_start', 'op_end_without_op_start'],
      ['r-3:invalid:second_op_end', 'second_op_end'],
      ['r-4:invalid:llm_usage_after_op_end', 'llm_usage_after_op_end'],
      ['r-1:invalid:seq_backwards', 'seq_backwards'],
      ['r-6:invalid:group_end_without_group_start', 'group_end_without_group_start'],
    ]);
    expect(out).toHaveLength(events.length + 5);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(5);
  });
  it('a clean stream passes unchanged', async () => {
    const events = [ev('group_start', null, 0, { name: 'g' }), ev('op_start', 'f', 1), ev('op_end', 'f', 2, ok()), ev('group_end', null, 3, { name: 'g', status: 'ok' })];
    expect((await through(validate(), events)).out).toEqual(events);
  });
});

describe('processors in a pipeline', () => {
  it('drops and changes are counted in pipeline metrics by processor and reason; state spans batches', async () => {
    const { pipeline, memory } = tracer({ processors: [dropOps(['noise']), truncate({ maxBytes: 4 })], batch: { maxEvents: 1 } });
    const noise = op('noise', () => 1);
    const talk = op('talk', (s: string) => s);
    pipeline.run(() => {
      noise();
      talk('a long sentence');
    });
    await pipeline.flush();
    expect(memory.events.map((e) => e.op_name)).toEqual(['talk', 'talk', null]); // null: the request's end
    expect(pipeline.metrics().processors).toEqual({
      dropOps: { errors: 0, callbackErrors: {}, dropped: { op_dropped: 2 }, changed: {} },
      truncate: { errors: 0, callbackErrors: {}, dropped: {}, changed: { truncated: 2 } },
    });
  });
});

describe('processor state at the end of a stream', () => {
  it('groupBy closes an open group as truncated at the end of a replay and at pipeline shutdown', async () => {
    const { groupBy } = await import('../../processors/group-by.js');
    const { pipeline, memory } = tracer({ processors: [groupBy({ boundary: () => false })] });
    await pipeline.replay([ev('op_start', 'f', 0)]);
    expect(memory.events.map((e) => `${e.kind}:${(e.payload as any).status ?? ''}`)).toEqual(['group_start:', 'op_start:', 'group_end:truncated']);
    memory.clear();
    // A run that never settles: its request has not ended when the pipeline shuts down.
    pipeline.run(() => op('g', () => new Promise(() => {}))(), { requestId: 'live' });
    await pipeline.shutdown();
    expect(memory.events.map((e) => `${e.kind}:${(e.payload as any).status ?? ''}`)).toEqual(['group_start:', 'op_start:', 'group_end:truncated']);
  });

  it('groupBy closes a request\'s open group when the request ends: ok, or truncated when it ended with ops open', async () => {
    const { groupBy } = await import('../../processors/group-by.js');
    const { pipeline, stream } = tracer({ processors: [groupBy({ boundary: () => false })] });
    pipeline.run(() => op('g', () => 1)(), { requestId: 'done' });
    pipeline.run(() => void op('h', () => new Promise(() => {}))(), { requestId: 'leaked' });
    await pipeline.shutdown();
    expect((await stream()).map((e) => `${e.request_id} ${e.kind}:${(e.payload as any).status ?? (e.payload as any).value?.open ?? ''}`)).toEqual([
      'done group_start:',
      'done op_start:',
      'done op_end:ok',
      'done group_end:ok',
      'done annotation:0',
      'leaked group_start:',
      'leaked op_start:',
      'leaked group_end:truncated',
      'leaked annotation:1',
    ]);
  });
});
