import fc from 'fast-check';
import { lastValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { redact, type RedactOptions } from '../../processors/redact.js';
import { passesLuhn } from '../../src/redaction/scanner.js';
import { serializeEvent } from '../../src/wire/serialize.js';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';
import { ev, recordingReporter } from './marbles.js';
import { reportingTo } from '../../src/pipeline/processor-reporter.js';

async function run(events: TraceEvent[], options: RedactOptions = {}) {
  const reporter = recordingReporter();
  const out = await lastValueFrom(from(events).pipe(reportingTo(redact(options), reporter), toArray()));
  return { out, counts: reporter.counts };
}

const CARD = '4111 1111 1111 1111';

describe('redact', () => {
  it('reaches inputs, outputs, yields, annotation values, group metadata and error messages, at any depth', async () => {
    const events = [
      ev('op_start', 'f', 0, { inputs: { user: { contact: ['mail me: ada@example.com'] } } }),
      ev('op_yield', 'f', 1, { yielded: { token: 'Bearer abcdefghijklmnop' }, idx: 0 }),
      ev('annotation', 'f', 2, { key: 'apiKey', value: 'anything at all' }),
      ev('group_start', null, 3, { name: 'turn', card: `pay with ${CARD}` }),
      ev('op_end', 'f', 4, { outputs: {}, status: 'error', duration_ms: 1, yield_count: 1, error: { type: 'Error', message: 'bad key sk-abcdefghijklmnopqrstuvwx' } }),
    ];
    const { out, counts } = await run(events);
    expect(out.map((e) => e.payload)).toEqual([
      { inputs: { user: { contact: ['mail me: <redacted>'] } } },
      { yielded: { token: '<redacted>' }, idx: 0 },
      { key: 'apiKey', value: '<redacted>' },
      { name: 'turn', card: 'pay with <redacted>' },
      { outputs: {}, status: 'error', duration_ms: 1, yield_count: 1, error: { type: 'Error', message: 'bad key <redacted>' } },
    ]);
    expect(out.map((e) => [e.event_id, e.seq, Object.isFrozen(e)])).toEqual(events.map((e) => [e.event_id, e.seq, true]));
    expect(counts).toEqual({ 'redact:changed:redacted': 5 });
  });

  it('matches keys format-insensitively, by regex, and leaves clean events untouched (same object)', async () => {
    const clean = ev('op_start', 'f', 1, { inputs: { query: 'weather in Lisbon', total_tokens: 5 } });
    const { out } = await run(
      [ev('op_start', 'f', 0, { inputs: { api_key: 1, 'API-KEY': 2, apiKey: 3, x_internal: 'v', nested: { Password: 'p' } } }), clean],
      { extraKeys: [/^x_/] },
    );
    expect(out[0]!.payload).toEqual({ inputs: { api_key: '<redacted>', 'API-KEY': '<redacted>', apiKey: '<redacted>', x_internal: '<redacted>', nested: { Password: '<redacted>' } } });
    expect(out[1]).toBe(clean);
  });

  it('detects JWTs, API keys of several providers, e-mails, Luhn-valid cards and phone numbers, not dates or random digits', async () => {
    const text = [
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sflKxwRJSMeKKF2QT4fwpM',
      'aws AKIAIOSFODNN7EXAMPLE',
      'gh ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'card 4111-1111-1111-1111 not-a-card 4111 1111 1111 1112',
      'phone +351 912 345 678 and (555) 123-4567 and 555-123-4567',
      'date 2026-11-22 and order 123456',
    ].join(' | ');
    const { out } = await run([ev('annotation', null, 0, { key: 'note', value: text })]);
    expect((out[0]!.payload as { value: string }).value).toBe(
      [
        'jwt <redacted>',
        'aws <redacted>',
        'gh <redacted>',
        'card <redacted> not-a-card 4111 1111 1111 1112',
        'phone <redacted> and <redacted> and <redacted>',
        'date 2026-11-22 and order 123456',
      ].join(' | '),
    );
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
  });

  it('styles: partial keeps the kind and at most the last 3 (never 4: issue 15), hash is stable with a salt, indexed is stable per request', async () => {
    const e1 = ev('op_start', 'f', 0, { inputs: { a: 'ada@example.com', b: 'bob@example.com', c: 'ada@example.com', password: 'correct horse battery' } });
    const e2 = ev('op_start', 'f', 0, { inputs: { a: 'bob@example.com' } }, { request: 'other' });
    expect((await run([e1, e2], { style: 'indexed' })).out.map((e) => e.payload)).toEqual([
      { inputs: { a: '[EMAIL_1]', b: '[EMAIL_2]', c: '[EMAIL_1]', password: '[PASSWORD_1]' } },
      { inputs: { a: '[EMAIL_1]' } },
    ]);
    expect((await run([e1], { style: 'partial' })).out[0]!.payload).toEqual({
      inputs: { a: '<email>', b: '<email>', c: '<email>', password: '<password…ery>' },
    });
    const hashed = (await run([e1], { style: 'hash', hashSalt: 's' })).out[0]!.payload as { inputs: Record<string, string> };
    expect(hashed.inputs.a).toMatch(/^<hash:[0-9a-f]{12}>$/);
    expect(hashed.inputs.a).toBe(hashed.inputs.c);
    expect(hashed.inputs.a).not.toBe(hashed.inputs.b);
  });

  it('user patterns and redactors run too; a throwing redactor fails closed', async () => {
    const { out, counts } = await run(
      [ev('op_start', 'f', 0, { inputs: { order: 'ORD-123456' } }), ev('op_end', 'f', 1, { outputs: { text: 'boom' }, status: 'ok', duration_ms: 2, yield_count: 0 })],
      {
        style: 'indexed',
        patterns: [{ name: 'orderId', regex: /ORD-\d{6}/ }],
        redactors: [
          (text) => {
            if (text === 'boom') throw new Error('redactor bug');
            return text;
          },
        ],
      },
    );
    expect(out[0]!.payload).toEqual({ inputs: { order: '[ORDER_ID_1]' } });
    expect(out[1]!.payload).toEqual({ outputs: { $redacted: '<redacted>' }, status: 'ok', duration_ms: 2, yield_count: 0 });
    expect(counts).toEqual({ 'redact:changed:redacted': 1, 'redact:changed:failed_closed': 1, 'redact:failed:redactors': 1 });
  });

  it('property: 10,000 random nested payloads seeded with secrets never leak one', async () => {
    const luhnCard = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 }).map((digits) => {
      for (let check = 0; check < 10; check++) {
        const candidate = [...digits, check].join('');
        if (passesLuhn(candidate)) return candidate.replace(/(\d{4})(?=\d)/g, '$1 ');
      }
      return '';
    });
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    const secret = fc.oneof(
      fc.tuple(word, word).map(([u, d]) => `${u}.${d}@${d}mail.com`),
      fc.stringMatching(/^[A-Za-z0-9]{24,40}$/).map((s) => `sk-${s}`),
      fc.stringMatching(/^[A-Za-z0-9]{12,30}$/).map((s) => `Bearer ${s}`),
      fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{8,20}$/), fc.stringMatching(/^[A-Za-z0-9]{8,20}$/)).map(([p, s]) => `eyJ${p}.eyJ${s}.${s}${p}`),
      luhnCard,
      fc.stringMatching(/^[0-9]{3} [0-9]{3} [0-9]{3}$/).map((s) => `+351 ${s}`),
    );
    const sentence = fc.tuple(fc.array(word, { maxLength: 3 }), secret, fc.array(word, { maxLength: 3 }), fc.constantFrom(' ', ', ', ': ', '\n'));
    const leaf = fc.oneof(
      sentence.map(([before, s, after, sep]) => ({ text: [...before, s, ...after].join(sep), secrets: [s] })),
      fc.tuple(fc.constantFrom('password', 'api_key', 'Authorization', 'clientSecret'), fc.string({ minLength: 6 })).map(([k, v]) => ({ key: k, text: `Z${v}Z`, secrets: [`Z${v}Z`] })),
      word.map((w) => ({ text: w, secrets: [] as string[] })),
    );
    type Leaf = { key?: string; text: string; secrets: string[] };
    const tree: fc.Arbitrary<{ value: unknown; secrets: string[] }> = fc.letrec<{ node: { value: unknown; secrets: string[] } }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf.map((l: Leaf) => ({ value: l.key ? { [l.key]: l.text } : l.text, secrets: l.secrets })),
        fc.array(tie('node'), { maxLength: 4 }).map((items) => ({ value: items.map((i) => i.value), secrets: items.flatMap((i) => i.secrets) })),
        fc.dictionary(word, tie('node'), { maxKeys: 4 }).map((dict) => ({
          value: Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, v.value])),
          secrets: Object.values(dict).flatMap((v) => v.secrets),
        })),
      ),
    })).node;
    const styles = ['full', 'indexed', 'hash', 'partial'] as const;
    await fc.assert(
      fc.asyncProperty(tree, fc.constantFrom(...styles), fc.constantFrom('op_start', 'annotation', 'op_yield'), async (payload, style, kind) => {
        const body =
          kind === 'op_start' ? { inputs: { data: payload.value } } : kind === 'op_yield' ? { yielded: { data: payload.value }, idx: 0 } : { key: 'data', value: payload.value };
        const { out } = await run([ev(kind, 'f', 0, body)], { style });
        const text = serializeEvent(out[0]!);
        for (const s of payload.secrets) {
          expect(text).not.toContain(JSON.stringify(s).slice(1, -1));
        }
      }),
      { numRuns: 10_000, seed: 20261123 },
    );
  }, 120_000);
});
