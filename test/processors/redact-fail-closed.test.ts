/**
 * redact() fails closed (issue 15 §5): when a detector, a pattern or a redactor throws, or a value
 * throws when read, every field of that event that can hold user content is masked, only what the
 * wire format needs is kept, the event is counted (`failed_closed`) and the throw reported as a
 * callback error, without quoting what it was given.
 */
import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import { redact, type RedactOptions } from '../../processors/redact.js';
import { reportingTo } from '../../src/pipeline/processor-reporter.js';
import { REQUEST_END_KEY } from '../../src/wire/request-end.js';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';
import { ev } from './marbles.js';
import { expectWellFormed, leaks, leaksIn, runRedact, type Planted } from './redact-helpers.js';

const OPENAI = 'sk-proj-Q7xT2mK9pL4vR8nW3zY6bC1dF5gH0jAe';
const EMAIL = 'ada.lovelace@example.com';
const PLANTED: Planted[] = [
  { text: OPENAI, random: OPENAI.slice('sk-proj-'.length) },
  { text: EMAIL, random: 'ada.lovelace' },
  { text: 'Hunter2Hunter2!' },
];
const R = '<redacted>';
const HIDDEN = { $redacted: R };

/** One event of each kind with a secret in every field, then the request's end marker. */
function everyKind(request: string, secretNames: boolean): TraceEvent[] {
  const name = secretNames ? `fetch ${EMAIL}` : 'fetch';
  const ctx = secretNames ? [`main ${OPENAI}`, `${name}#0`] : ['main', 'fetch#0'];
  const o = { request, ctx };
  return [
    ev('op_start', name, 0, { inputs: { q: EMAIL, password: 'Hunter2Hunter2!' } }, o),
    ev('op_yield', name, 1, { yielded: { chunk: OPENAI }, idx: 2 }, o),
    ev('annotation', name, 2, { key: secretNames ? `k ${EMAIL}` : 'note', value: EMAIL }, o),
    ev('group_start', null, 3, { name: secretNames ? `turn ${EMAIL}` : 'turn', user: EMAIL }, { request, ctx: [] }),
    ev('group_end', null, 4, { name: secretNames ? `turn ${EMAIL}` : 'turn', status: 'truncated' }, { request, ctx: [] }),
    ev('llm_usage', name, 5, { model: `m-${EMAIL}`, provider: `p ${OPENAI}`, prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, cost_usd: 0.5 }, o),
    ev('media_ref', name, 6, { handle: `h-${EMAIL}`, mime: `image/png; ${EMAIL}`, size_bytes: 9 }, o),
    ev('op_end', name, 7, { outputs: { a: OPENAI }, status: 'error', duration_ms: 5, yield_count: 1, error: { type: 'E', message: OPENAI } }, o),
    ev('annotation', null, 8, { key: REQUEST_END_KEY, value: { status: 'error', duration_ms: 6, open: 0 } }, { request, ctx: [] }),
  ];
}

const always = (): never => {
  throw new Error('redactor bug');
};

/** A redactor that throws on every k-th call, and otherwise leaves the text as it is. */
function everyKth(k: number) {
  let calls = 0;
  return (text: string) => {
    if (++calls % k === 0) throw new Error(`failed on call ${calls}`);
    return text;
  };
}

describe('redact() fails closed', () => {
  it('a redactor that always throws: every event masked, field by field, keeping only what the wire format needs; the end marker untouched', async () => {
    const events = everyKind('r', false);
    const { out, counts } = await runRedact(events, { redactors: [always] });
    const place = (e: TraceEvent, ctx: string[]) => ({ event_id: e.event_id, request_id: 'r', kind: e.kind, op_name: e.op_name === null ? null : R, ctx, timestamp: e.timestamp, seq: e.seq });
    const opCtx = [R, `${R}#0`];
    expect(out.slice(0, 8)).toEqual([
      { ...place(events[0]!, opCtx), payload: { inputs: HIDDEN } },
      { ...place(events[1]!, opCtx), payload: { yielded: HIDDEN, idx: 2 } },
      { ...place(events[2]!, opCtx), payload: { key: R, value: R } },
      { ...place(events[3]!, []), payload: { name: R } },
      { ...place(events[4]!, []), payload: { name: R, status: 'truncated' } },
      { ...place(events[5]!, opCtx), payload: { model: R, prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, cost_usd: 0.5 } },
      { ...place(events[6]!, opCtx), payload: { handle: R, mime: R, size_bytes: 9 } },
      { ...place(events[7]!, opCtx), payload: { outputs: HIDDEN, status: 'error', duration_ms: 5, yield_count: 1, error: { type: R, message: R } } },
    ]);
    expect(out[8]).toBe(events[8]);
    expectWellFormed(out);
    expect(counts).toEqual({ 'redact:changed:failed_closed': 8, 'redact:failed:redactors': 8 });
  });

  it('with a secret in every field (request id, op name, ctx, model, mime, group name, annotation key) nothing leaks, masked or not; the request keeps one id', async () => {
    const events = everyKind(`user-${EMAIL}`, true);
    const { out, counts } = await runRedact(events, { redactors: [always] });
    expect(leaks(out, PLANTED)).toEqual([]);
    expect(new Set(out.map((e) => e.request_id)).size).toBe(1);
    expect(out[0]!.request_id).toMatch(/^req-/);
    expect(out.map((e) => e.event_id)).toEqual(out.map((e) => `${out[0]!.request_id}-${e.seq}`));
    expect(out[8]!.payload).toEqual(events[8]!.payload);
    expectWellFormed(out);
    expect(counts['redact:changed:failed_closed']).toBe(8);
  });

  for (const k of [2, 3, 5, 7, 11]) {
    it(`a redactor throwing on every ${k}th call, over two requests with secrets in every field: no leak, one id per request, each masked event counted and reported once`, async () => {
      const events = [...everyKind(`user-${EMAIL}`, true), ...everyKind('plain', true), ...everyKind(`user-${EMAIL}`, false)];
      const { out, counts } = await runRedact(events, { redactors: [everyKth(k)] });
      expect(out).toHaveLength(events.length);
      expect(leaks(out, PLANTED)).toEqual([]);
      expectWellFormed(out);
      expect(new Set([...out.slice(0, 9), ...out.slice(18)].map((e) => e.request_id)).size).toBe(1);
      expect(new Set(out.slice(9, 18).map((e) => e.request_id))).toEqual(new Set(['plain']));
      expect(out.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
      const masked = counts['redact:changed:failed_closed'] ?? 0;
      expect(masked).toBeGreaterThan(0);
      expect(counts['redact:failed:redactors']).toBe(masked);
    });
  }

  it('a redactor that returns something other than a string fails closed', async () => {
    const { out, counts } = await runRedact([ev('op_start', 'f', 0, { inputs: { q: 'hello' } })], { redactors: [() => 42 as unknown as string] });
    expect(out[0]!.payload).toEqual({ inputs: HIDDEN });
    expect(counts).toEqual({ 'redact:changed:failed_closed': 1, 'redact:failed:redactors': 1 });
  });

  it('the reported error never quotes the text the redactor was given: a message that does is withheld, others are kept scrubbed', async () => {
    const errors: unknown[] = [];
    const reporter = { dropped() {}, changed() {}, failed: (_p: string, _c: string, error: unknown) => errors.push(error) };
    const run = (redactor: (text: string) => string) =>
      lastValueFrom(from([ev('annotation', null, 0, { key: `Hunter2Hunter2! and ${EMAIL}`, value: 1 }, { ctx: [] })]).pipe(reportingTo(redact({ redactors: [redactor] }), reporter), toArray()));
    await run((text) => {
      throw new Error(`cannot redact ${text}`);
    });
    await run(() => {
      throw new TypeError(`bug in my redactor near ${OPENAI}`);
    });
    expect(errors.map((e) => [(e as Error).name, (e as Error).message])).toEqual([
      ['Error', '(message withheld: it quotes the text being redacted)'],
      ['TypeError', 'bug in my redactor near <redacted>'],
    ]);
  });

  it('a pattern whose exec throws, and one that throws when read: every event masked, counted as a pattern failure', async () => {
    class ThrowingExec extends RegExp {
      override exec(): never {
        throw new Error('exec bug');
      }
    }
    const flagsThrow = /never/;
    Object.defineProperty(flagsThrow, 'flags', {
      get() {
        throw new Error('flags bug');
      },
    });
    for (const regex of [new ThrowingExec('x'), flagsThrow]) {
      const events = everyKind(`user-${EMAIL}`, true);
      const { out, counts } = await runRedact(events, { patterns: [{ name: 'bad', regex }] });
      expect(leaks(out, PLANTED)).toEqual([]);
      expectWellFormed(out);
      expect(counts['redact:changed:failed_closed']).toBe(8);
      expect(counts['redact:failed:patterns']).toBe(8);
    }
  });

  it('a pattern whose Symbol.replace throws is never asked to replace: events are redacted as usual', async () => {
    const regex = /never/;
    Object.defineProperty(regex, Symbol.replace, {
      value: () => {
        throw new Error('replace bug');
      },
    });
    const events = everyKind(`user-${EMAIL}`, true);
    const { out, counts } = await runRedact(events, { patterns: [{ name: 'bad', regex }] });
    expect(leaks(out, PLANTED)).toEqual([]);
    expectWellFormed(out);
    expect(counts).toEqual({ 'redact:changed:redacted': 9 });
  });

  it('a value that throws when read (a getter, a Proxy trap): that event masked, the events around it redacted as usual', async () => {
    const getter = Object.freeze(
      Object.defineProperty({ q: EMAIL }, 'trap', {
        enumerable: true,
        get() {
          throw new Error(`trap ${EMAIL}`);
        },
      }),
    );
    const proxy = new Proxy(
      { q: EMAIL },
      {
        ownKeys() {
          throw new Error('ownKeys trap');
        },
      },
    );
    const status = Object.freeze(
      Object.defineProperty({ outputs: {}, duration_ms: 2, yield_count: 0 }, 'status', {
        enumerable: true,
        get() {
          throw new Error('status trap');
        },
      }),
    );
    const { out, counts } = await runRedact([
      ev('op_start', 'f', 0, { inputs: { q: EMAIL } }),
      ev('op_start', 'f', 1, { inputs: getter }),
      ev('op_start', 'f', 2, { inputs: proxy }),
      { ...ev('op_end', 'f', 3), payload: status } as TraceEvent,
      ev('op_start', 'f', 4, { inputs: { q: EMAIL } }),
    ]);
    expect(out.map((e) => e.payload)).toEqual([
      { inputs: { q: R } },
      { inputs: HIDDEN },
      { inputs: HIDDEN },
      { outputs: HIDDEN, status: 'ok', duration_ms: 2, yield_count: 0 },
      { inputs: { q: R } },
    ]);
    expect(out.slice(1, 4).map((e) => [e.op_name, e.ctx])).toEqual([1, 2, 3].map(() => [R, [R, `${R}#0`]]));
    expectWellFormed(out);
    expect(counts).toEqual({ 'redact:changed:redacted': 2, 'redact:changed:failed_closed': 3, 'redact:failed:payload': 3 });
  });

  it('a payload nested 100,000 deep, or one that holds itself (a hand-made stream): masked, never a crash', async () => {
    let deep: unknown = EMAIL;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const cyclic: Record<string, unknown> = { q: EMAIL };
    cyclic.self = cyclic;
    const { out, counts } = await runRedact([ev('op_start', 'f', 0, { inputs: { deep } }), ev('op_start', 'f', 1, { inputs: cyclic }), ev('op_start', 'f', 2, { inputs: { q: 'fine' } })]);
    expect(out.map((e) => e.payload)).toEqual([{ inputs: HIDDEN }, { inputs: HIDDEN }, { inputs: { q: 'fine' } }]);
    expect(counts).toEqual({ 'redact:changed:failed_closed': 2, 'redact:failed:payload': 2 });
  });

  it('an event whose envelope throws when read still comes out, masked and valid', async () => {
    const base = ev('op_start', 'f', 0, { inputs: {} });
    const hostile = { ...base } as Record<string, unknown>;
    for (const field of ['event_id', 'request_id', 'op_name', 'ctx']) {
      Object.defineProperty(hostile, field, {
        enumerable: true,
        get() {
          throw new Error(`${field} trap ${EMAIL}`);
        },
      });
    }
    const { out, counts } = await runRedact([Object.freeze(hostile) as unknown as TraceEvent, base]);
    expect(out).toHaveLength(2);
    expect(out[0]!.payload).toEqual({ inputs: HIDDEN });
    expect([out[0]!.op_name, out[0]!.ctx]).toEqual([R, [R]]);
    expect(out[1]).toBe(base);
    expectWellFormed(out);
    expect(counts).toEqual({ 'redact:changed:failed_closed': 1, 'redact:failed:payload': 1 });
  });
});
