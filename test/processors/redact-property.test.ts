/**
 * Property: a secret planted in any one field of an event (envelope, names, payload keys and
 * values, header pairs, numbers, errors, a captured Map), in any style, never leaves redact() in
 * the serialized output: neither whole nor 4 consecutive characters of its random part. The
 * request keeps one id across its events, its end marker included, and every event stays valid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passesLuhn } from '../../src/redaction/scanner.js';
import { REQUEST_END_KEY } from '../../src/wire/request-end.js';
import { serializeEvent } from '../../src/wire/serialize.js';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';
import { ev } from './marbles.js';
import { expectWellFormed, leaksIn, runRedact, type Planted } from './redact-helpers.js';

const alnum = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));
const luhnDigits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 }).map((digits) => {
  const body = [4, ...digits.slice(1)].join('');
  for (let check = 0; check < 10; check++) if (passesLuhn(body + check)) return body + check;
  throw new Error('unreachable');
});

/** A secret a detector finds, with its random part. */
const detected: fc.Arbitrary<Planted> = fc.oneof(
  alnum(32, 40).map((r) => ({ text: `sk-proj-${r}`, random: r })),
  alnum(36, 36).map((r) => ({ text: `ghp_${r}`, random: r })),
  fc.stringMatching(/^[A-Z0-9]{16}$/).map((r) => ({ text: `AKIA${r}`, random: r })),
  fc.stringMatching(/^[a-z][a-z0-9]{5,11}$/).map((r) => ({ text: `${r}@mail-host.org`, random: r })),
  luhnDigits.map((d) => ({ text: d })),
);

type Field = (secret: string) => { events: TraceEvent[] };
const place = (request = 'plain-request') => ({ request, ctx: ['main', 'step#0'] });
const end = (request: string) => ev('annotation', null, 9, { key: REQUEST_END_KEY, value: { status: 'ok', duration_ms: 1, open: 0 } }, { request, ctx: [] });
const pair = (start: Record<string, unknown>, endPayload: Record<string, unknown> = {}, o = place()) => [
  ev('op_start', 'step', 0, start, o),
  ev('op_end', 'step', 1, { outputs: {}, status: 'ok', duration_ms: 1, yield_count: 0, ...endPayload }, o),
  end(o.request),
];

/** Where a detected secret is planted, inside some ordinary text. */
const IN_TEXT: Record<string, Field> = {
  request_id: (s) => ({ events: pair({ inputs: {} }, {}, place(`run-${s}`)) }),
  op_name: (s) => ({ events: [ev('op_start', `call ${s}`, 0, { inputs: {} }, { ctx: ['main', `call ${s}#0`] }), end('r')] }),
  ctx_segment: (s) => ({ events: [ev('op_start', 'step', 0, { inputs: {} }, { ctx: [`outer ${s}#4`, 'step#0'] })] }),
  annotation_key: (s) => ({ events: [ev('annotation', 'step', 0, { key: `seen ${s}`, value: 1 }, place())] }),
  annotation_value: (s) => ({ events: [ev('annotation', 'step', 0, { key: 'note', value: { text: `see ${s} now` } }, place())] }),
  group_name: (s) => ({ events: [ev('group_start', null, 0, { name: `turn ${s}` }, { ctx: [] }), ev('group_end', null, 1, { name: `turn ${s}`, status: 'ok' }, { ctx: [] })] }),
  model: (s) => ({ events: [ev('llm_usage', 'step', 0, { model: `ft:${s}`, provider: `p ${s}`, prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost_usd: 0 }, place())] }),
  media: (s) => ({ events: [ev('media_ref', 'step', 0, { handle: `store/${s}/x`, mime: `text/plain; n=${s}`, size_bytes: 3 }, place())] }),
  payload_key: (s) => ({ events: pair({ inputs: { [`k ${s}`]: 1 } }) }),
  payload_value: (s) => ({ events: pair({ inputs: { a: [{ b: `text ${s} more` }] } }) }),
  error: (s) => ({ events: pair({ inputs: {} }, { status: 'error', error: { type: 'E', message: `failed ${s}`, stack: `E: failed ${s}\n    at x (y.js:1:1)`, cause: { type: 'E', message: s } } }) }),
  map_entry: (s) => ({ events: pair({ inputs: { m: { $type: 'Map', size: 1, entries: [[`key ${s}`, `value ${s}`]] }, set: { $type: 'Set', size: 1, values: [s] } } }) }),
};

/** Where any string is planted: under a secret name, so it is replaced whole. */
const UNDER_SECRET_NAME: Record<string, Field> = {
  secret_key: (s) => ({ events: pair({ inputs: { db_password: s } }) }),
  header_pair: (s) => ({ events: pair({ inputs: { headers: [['X-Api-Key', s]] } }) }),
  header_object: (s) => ({ events: pair({ inputs: { headers: [{ name: 'Authorization', value: s }] } }) }),
  annotation: (s) => ({ events: [ev('annotation', 'step', 0, { key: 'OPENAI_API_KEY', value: s }, place())] }),
};

const STYLES = ['full', 'partial', 'hash', 'indexed'] as const;

/** The serialized events without their timestamps (their digits are no one's secret). */
const output = (events: readonly TraceEvent[]) => events.map((e) => serializeEvent(e).replace(e.timestamp, '')).join('\n');

async function check(events: TraceEvent[], planted: Planted, style: (typeof STYLES)[number]) {
  const { out } = await runRedact(events, { style });
  expect(leaksIn(output(out), [planted])).toEqual([]);
  expectWellFormed(out);
  const byRequest = new Map<string, Set<string>>();
  events.forEach((e, i) => (byRequest.get(e.request_id) ?? byRequest.set(e.request_id, new Set()).get(e.request_id)!).add(out[i]!.request_id));
  for (const ids of byRequest.values()) expect(ids.size).toBe(1);
}

describe('redact() property: no field leaks a secret, in any style', () => {
  it('a detected secret in any field', async () => {
    await fc.assert(
      fc.asyncProperty(detected, fc.constantFrom(...Object.keys(IN_TEXT)), fc.constantFrom(...STYLES), async (planted, field, style) => {
        await check(IN_TEXT[field]!(planted.text).events, planted, style);
      }),
      { numRuns: 3_000, seed: 1515 },
    );
  }, 120_000);

  it('any string under a secret name (key, header pair, header object, annotation key)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 4, maxLength: 40 }), fc.constantFrom(...Object.keys(UNDER_SECRET_NAME)), fc.constantFrom(...STYLES), async (text, field, style) => {
        const secret = `Z${text}Z`;
        const { out } = await runRedact(UNDER_SECRET_NAME[field]!(secret).events, { style });
        // The value itself is what must not survive (the rest of the event is ordinary text).
        const values = out.map((e) => JSON.stringify(e.payload));
        for (const v of values) expect(v.includes(JSON.stringify(secret).slice(1, -1))).toBe(false);
        expectWellFormed(out);
      }),
      { numRuns: 2_000, seed: 1516 },
    );
  }, 120_000);

  it('a card number passed as a number, in any style', async () => {
    await fc.assert(
      fc.asyncProperty(luhnDigits, fc.constantFrom(...STYLES), async (digits, style) => {
        await check(pair({ inputs: { amount: 12, card: Number(digits), nested: [{ n: Number(digits) }] } }), { text: digits }, style);
      }),
      { numRuns: 500, seed: 1517 },
    );
  });
});
