/**
 * redact() reaches every field of every event (issue 15 §1): payload keys and values at any
 * depth, captured Maps and Sets, header tuples and header objects, numbers, captured and thrown
 * errors, annotation keys, group names and metadata, llm_usage and media_ref fields, op names,
 * ctx segments, request and event ids; a clean event comes out as the same object.
 */
import { describe, expect, it } from 'vitest';
import { isRequestEnd, REQUEST_END_KEY } from '../../src/wire/request-end.js';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';
import { ev } from './marbles.js';
import { expectWellFormed, leaks, runRedact, type Planted } from './redact-helpers.js';

const OPENAI = 'sk-proj-Q7xT2mK9pL4vR8nW3zY6bC1dF5gH0jAe';
const GITHUB = 'ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5';
const AWS = 'AKIAZ7QW2ER4TY6UI8OP';
const EMAIL = 'ada.lovelace@example.com';
const BEARER_TOKEN = 'tK8sJ2nQ5wE7rY1uI4oP';
const CARD = 4111111111111111;
const PLANTED: Planted[] = [
  { text: OPENAI, random: OPENAI.slice('sk-proj-'.length) },
  { text: GITHUB, random: GITHUB.slice('ghp_'.length) },
  { text: AWS, random: AWS.slice('AKIA'.length) },
  { text: EMAIL, random: 'ada.lovelace' },
  { text: BEARER_TOKEN },
  { text: String(CARD) },
  { text: 'Hunter2Hunter2!' },
  { text: 'Z9y8X7w6V5u4' },
  { text: 'Xk29Fq83Lm' },
  { text: 'Qz81Wx72Ec63' },
  { text: 'Pq1Wo2Ei3Ru4' },
];
const HASH = '<hash:[0-9a-f]{12}>';

describe('redact() covers every field', () => {
  it('payload values at any depth, header tuples and header objects named like secrets, captured Maps and Sets, numbers (Luhn)', async () => {
    const event = ev('op_start', 'call', 0, {
      inputs: {
        headers: [['Authorization', `Bearer ${BEARER_TOKEN}`], ['x-api-key', 'Z9y8X7w6V5u4'], ['accept', 'text/html']],
        headerObjects: [{ name: 'Set-Cookie', value: 'sid=Xk29Fq83Lm' }, { key: 'X-Api-Key', value: 'Qz81Wx72Ec63' }, { name: 'accept', value: 'json' }],
        map: { $type: 'Map', size: 2, entries: [['password', 'Hunter2Hunter2!'], ['note', `mail ${EMAIL}`]] },
        set: { $type: 'Set', size: 1, values: [AWS] },
        card: CARD,
        count: 42,
        deep: { a: { b: [{ c: `key ${OPENAI}` }] } },
      },
    });
    const { out, counts } = await runRedact([event]);
    expect(out[0]!.payload).toEqual({
      inputs: {
        headers: [['Authorization', '<redacted>'], ['x-api-key', '<redacted>'], ['accept', 'text/html']],
        headerObjects: [{ name: 'Set-Cookie', value: '<redacted>' }, { key: 'X-Api-Key', value: '<redacted>' }, { name: 'accept', value: 'json' }],
        map: { $type: 'Map', size: 2, entries: [['password', '<redacted>'], ['note', 'mail <redacted>']] },
        set: { $type: 'Set', size: 1, values: ['<redacted>'] },
        card: '<redacted>',
        count: 42,
        deep: { a: { b: [{ c: 'key <redacted>' }] } },
      },
    });
    expect(leaks(out, PLANTED)).toEqual([]);
    expectWellFormed(out);
    expect(counts).toEqual({ 'redact:changed:redacted': 1 });
  });

  it('a secret under a secret key is replaced whole whatever it is: string, number, object, array; null and booleans hold none and stay', async () => {
    const { out } = await runRedact([
      ev('op_start', 'f', 0, { inputs: { cvv: 123, credentials: { user: 'ada', pass: 'Hunter2Hunter2!' }, api_key: ['Z9y8X7w6V5u4'], password: null, has_password: true } }),
    ]);
    expect(out[0]!.payload).toEqual({ inputs: { cvv: '<redacted>', credentials: '<redacted>', api_key: '<redacted>', password: null, has_password: true } });
  });

  it('a number is a secret only by what it holds: a card number as a number is, the wire format numbers (durations, counts) stay numbers', async () => {
    const { out } = await runRedact([
      ev('op_end', 'f', 0, { outputs: { total: CARD, small: 7, ratio: 0.5, notLuhn: CARD + 1 }, status: 'ok', duration_ms: CARD, yield_count: 0 }),
      ev('op_yield', 'f', 1, { yielded: { n: CARD }, idx: 3 }),
      ev('media_ref', 'f', 2, { handle: 'h1', mime: 'image/png', size_bytes: CARD }),
    ]);
    expect(out.map((e) => e.payload)).toEqual([
      { outputs: { total: '<redacted>', small: 7, ratio: 0.5, notLuhn: CARD + 1 }, status: 'ok', duration_ms: CARD, yield_count: 0 },
      { yielded: { n: '<redacted>' }, idx: 3 },
      { handle: 'h1', mime: 'image/png', size_bytes: CARD },
    ]);
    expectWellFormed(out);
  });

  it('captured errors in a payload and the error of an op_end: message, name, stack, code and cause chain', async () => {
    const { out } = await runRedact([
      ev('op_start', 'f', 0, {
        inputs: {
          failure: { $type: 'Error', name: 'AuthError', message: `rejected ${OPENAI}`, code: 'E_AUTH', cause: { $type: 'Error', name: 'Error', message: `for ${EMAIL}` } },
        },
      }),
      ev('op_end', 'f', 1, {
        outputs: {},
        status: 'error',
        duration_ms: 3,
        yield_count: 0,
        error: {
          type: 'HttpError',
          message: `401 for ${GITHUB}`,
          stack: `HttpError: 401 for ${GITHUB}\n    at call (file.js:1:1)`,
          code: EMAIL,
          status: 401,
          cause: { type: 'Error', message: `mail ${EMAIL}` },
        },
      }),
    ]);
    expect(out.map((e) => e.payload)).toEqual([
      { inputs: { failure: { $type: 'Error', name: 'AuthError', message: 'rejected <redacted>', code: 'E_AUTH', cause: { $type: 'Error', name: 'Error', message: 'for <redacted>' } } } },
      {
        outputs: {},
        status: 'error',
        duration_ms: 3,
        yield_count: 0,
        error: {
          type: 'HttpError',
          message: '401 for <redacted>',
          stack: 'HttpError: 401 for <redacted>\n    at call (file.js:1:1)',
          code: '<redacted>',
          status: 401,
          cause: { type: 'Error', message: 'mail <redacted>' },
        },
      },
    ]);
    expectWellFormed(out);
  });

  it('annotation keys: a secret-named key redacts its value whatever it is; a secret in the key itself is replaced', async () => {
    const tokens = ev('annotation', 'f', 3, { key: 'prompt_tokens', value: 12 });
    const { out } = await runRedact([
      ev('annotation', 'f', 0, { key: 'OPENAI_API_KEY', value: 12345 }),
      ev('annotation', 'f', 1, { key: 'auth_token', value: { nested: 'Pq1Wo2Ei3Ru4' } }),
      ev('annotation', 'f', 2, { key: `seen ${EMAIL}`, value: 'ok' }),
      tokens,
    ]);
    const payloads = out.map((e) => e.payload as { key: string; value: unknown });
    expect(payloads.slice(0, 2)).toEqual([
      { key: 'OPENAI_API_KEY', value: '<redacted>' },
      { key: 'auth_token', value: '<redacted>' },
    ]);
    expect(payloads[2]!.key).toMatch(new RegExp(`^seen ${HASH}$`));
    expect(payloads[2]!.value).toBe('ok');
    expect(out[3]).toBe(tokens);
    expect(leaks(out, PLANTED)).toEqual([]);
    expectWellFormed(out);
  });

  it('group names and metadata; the same name becomes the same text in group_start and group_end', async () => {
    const name = `turn for ${EMAIL}`;
    const { out } = await runRedact([
      ev('group_start', null, 0, { name, user: EMAIL, api_key: 'Zx9Cv8Bn7Mm6' }),
      ev('group_end', null, 1, { name, status: 'ok' }),
    ]);
    const [start, end] = out.map((e) => e.payload as Record<string, unknown>);
    expect(start!.name).toMatch(new RegExp(`^turn for ${HASH}$`));
    expect(end).toEqual({ name: start!.name, status: 'ok' });
    expect({ ...start, name: 'x' }).toEqual({ name: 'x', user: '<redacted>', api_key: '<redacted>' });
    expect(leaks(out, [...PLANTED, { text: 'Zx9Cv8Bn7Mm6' }])).toEqual([]);
    expectWellFormed(out);
  });

  it('llm_usage model, provider and every other field; media_ref mime and handle; token numbers and sizes stay', async () => {
    const { out } = await runRedact([
      ev('llm_usage', 'f', 0, {
        model: `ft:gpt-4o-mini:${EMAIL}`,
        provider: `proxy ${OPENAI}`,
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        cost_usd: 0.01,
        metadata: { api_key: 'Pq1Wo2Ei3Ru4', user: EMAIL },
      }),
      ev('media_ref', 'f', 1, { handle: `file:///tmp/${EMAIL}/a.bin`, mime: `text/plain; name=${EMAIL}`, size_bytes: 10 }),
    ]);
    const [usage, media] = out.map((e) => e.payload as Record<string, unknown>);
    expect(usage!.model).toMatch(new RegExp(`^ft:gpt-4o-mini:${HASH}$`));
    expect(usage!.provider).toMatch(new RegExp(`^proxy ${HASH}$`));
    expect({ ...usage, model: 'm', provider: 'p' }).toEqual({
      model: 'm',
      provider: 'p',
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
      cost_usd: 0.01,
      metadata: { api_key: '<redacted>', user: '<redacted>' },
    });
    expect(media!.handle).toBe('file:///tmp/<redacted>/a.bin');
    expect(media!.mime).toMatch(new RegExp(`^text/plain; name=${HASH}$`));
    expect(media!.size_bytes).toBe(10);
    expect(leaks(out, PLANTED)).toEqual([]);
    expectWellFormed(out);
  });

  it('op names and every ctx segment, keeping the invocation number: the same name gives the same text in every event', async () => {
    const name = `fetch ${EMAIL}`;
    const ctx = ['main', `outer ${AWS}#0`, `${name}#3`];
    const { out } = await runRedact([
      ev('op_start', name, 0, { inputs: {} }, { ctx }),
      ev('op_end', name, 1, { outputs: {}, status: 'ok', duration_ms: 1, yield_count: 0 }, { ctx }),
    ]);
    const [start, end] = out;
    expect(start!.op_name).toMatch(new RegExp(`^fetch ${HASH}$`));
    expect(start!.ctx).toHaveLength(3);
    expect(start!.ctx[0]).toBe('main');
    expect(start!.ctx[1]).toMatch(new RegExp(`^outer ${HASH}#0$`));
    expect(start!.ctx[2]).toBe(`${start!.op_name}#3`);
    expect([end!.op_name, end!.ctx]).toEqual([start!.op_name, start!.ctx]);
    expect(leaks(out, PLANTED)).toEqual([]);
    expectWellFormed(out);
  });

  it('a request id holding a secret becomes one stable pseudonym for every event of the request, its end marker included; event ids follow', async () => {
    const request = `user-${EMAIL}`;
    const marker = ev('annotation', null, 2, { key: REQUEST_END_KEY, value: { status: 'ok', duration_ms: 4, open: 0 } }, { request, ctx: [] });
    const other = ev('op_start', 'f', 0, { inputs: {} }, { request: 'plain-request' });
    const { out } = await runRedact([
      ev('op_start', 'f', 0, { inputs: {} }, { request }),
      ev('op_end', 'f', 1, { outputs: {}, status: 'ok', duration_ms: 1, yield_count: 0 }, { request }),
      marker,
      other,
    ]);
    const id = out[0]!.request_id;
    expect(id).toMatch(/^req-[A-Za-z0-9]{20}$/);
    expect(out.slice(0, 3).map((e) => [e.request_id, e.event_id])).toEqual([0, 1, 2].map((seq) => [id, `${id}-${seq}`]));
    expect(isRequestEnd(out[2]!)).toBe(true);
    expect(out[2]!.payload).toEqual(marker.payload);
    expect(out[3]).toBe(other);
    expect(leaks(out, PLANTED)).toEqual([]);
    expectWellFormed(out);
  });

  it('a clean event comes out as the same object, for every kind; an end marker of a clean request too', async () => {
    const clean: TraceEvent[] = [
      ev('op_start', 'search', 0, { inputs: { query: 'weather in lisbon', limit: 3, tags: ['a', 'b'], total_tokens: 5 } }),
      ev('op_yield', 'search', 1, { yielded: { chunk: 'sunny' }, idx: 0 }),
      ev('op_end', 'search', 2, { outputs: { answer: 'sunny' }, status: 'error', duration_ms: 1, yield_count: 1, error: { type: 'TypeError', message: 'x is not a function', stack: 'TypeError: x\n    at f (a.js:1:2)' } }),
      ev('annotation', 'search', 3, { key: 'note', value: { text: 'fine' } }),
      ev('group_start', null, 4, { name: 'turn', step: 1 }),
      ev('group_end', null, 5, { name: 'turn', status: 'ok' }),
      ev('llm_usage', 'search', 6, { model: 'gpt-4o-mini', provider: 'openai', prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, cost_usd: 0 }),
      ev('media_ref', 'search', 7, { handle: 'sha256-abc', mime: 'image/png', size_bytes: 3 }),
      ev('annotation', null, 8, { key: REQUEST_END_KEY, value: { status: 'ok', duration_ms: 4, open: 0 } }, { ctx: [] }),
    ];
    const { out, counts } = await runRedact(clean);
    out.forEach((e, i) => expect(e, e.kind).toBe(clean[i]));
    expect(counts).toEqual({});
  });

  it('own keys named __proto__ and constructor stay fields (JSON.parse makes them), a secret under them redacted', async () => {
    const inputs = JSON.parse(`{"__proto__": {"password": "Hunter2Hunter2!"}, "constructor": "${EMAIL}"}`) as Record<string, unknown>;
    const { out } = await runRedact([ev('op_start', 'f', 0, { inputs })]);
    const redacted = (out[0]!.payload as { inputs: Record<string, unknown> }).inputs;
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.keys(redacted)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(redacted)).toBe('{"__proto__":{"password":"<redacted>"},"constructor":"<redacted>"}');
  });

  it('a secret in an object key is replaced in the key, and keys never collide', async () => {
    const { out } = await runRedact([ev('op_start', 'f', 0, { inputs: { [EMAIL]: 1, [`x ${EMAIL}`]: 2, 'bob@example.org': 3 } })]);
    const keys = Object.keys((out[0]!.payload as { inputs: object }).inputs);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(new RegExp(`^${HASH}$`));
    expect(keys[1]).toBe(`x ${keys[0]}`);
    expect(keys[2]).not.toBe(keys[0]);
    expect(leaks(out, [...PLANTED, { text: 'bob@example.org', random: 'bob@' }])).toEqual([]);
  });

  it('names that are Object.prototype names stay ordinary names; huge values and keys are redacted whole', async () => {
    const names = [
      ev('op_start', '__proto__', 0, { inputs: { constructor: 'x' } }, { ctx: ['__proto__#0', 'constructor#1'] }),
      ev('annotation', 'toString', 1, { key: '__proto__', value: 'hasOwnProperty' }),
      ev('llm_usage', 'valueOf', 2, { model: 'constructor', provider: '__proto__', prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost_usd: 0 }),
    ];
    const { out } = await runRedact(names);
    out.forEach((e, i) => expect(e).toBe(names[i]));
    const big = 'x '.repeat(500_000) + EMAIL;
    const longKey = 'k'.repeat(5_000) + ` ${OPENAI} ` + 'k'.repeat(5_000);
    const { out: huge } = await runRedact([ev('op_start', 'f', 0, { inputs: { big, [longKey]: 1 } })]);
    const inputs = (huge[0]!.payload as { inputs: Record<string, unknown> }).inputs;
    expect(inputs.big).toBe('x '.repeat(500_000) + '<redacted>');
    expect(Object.keys(inputs)[1]).toMatch(new RegExp(`^k{5000} ${HASH} k{5000}$`));
    expect(leaks(huge, PLANTED)).toEqual([]);
  });
});
