/**
 * redact()'s replacement styles (full, partial, hash, indexed) and the user's own rules: patterns
 * keep their flags, redactors run on every string after the detectors. No style ever leaves 4 or
 * more consecutive characters of a secret in the output (issue 15, "Leak definition").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeEvent } from '../../src/wire/serialize.js';
import { ev } from './marbles.js';
import { expectWellFormed, leaksIn, runRedact } from './redact-helpers.js';

const OPENAI = 'sk-proj-Q7xT2mK9pL4vR8nW3zY6bC1dF5gH0jAe';
const inputsOf = (payload: unknown) => (payload as { inputs: Record<string, unknown> }).inputs;

describe('redact() styles', () => {
  it('full: <redacted>; a secret that shares 4 characters with it gets a token that shares none', async () => {
    const { out } = await runRedact([ev('op_start', 'f', 0, { inputs: { password: 'Hunter2Hunter2!', secret: 'characteristic secret', token: 'redacted' } })]);
    expect(inputsOf(out[0]!.payload)).toEqual({ password: '<redacted>', secret: '<*>', token: '<secret>' });
  });

  it('partial: the kind and at most the last 3 characters of a secret of 16 or more; shorter secrets keep none', async () => {
    const { out } = await runRedact(
      [ev('op_start', 'f', 0, { inputs: { password: 'correct horse battery staple', api_key: 'short-secret', note: `key ${OPENAI}`, mail: 'ada@example.com' } })],
      { style: 'partial' },
    );
    const inputs = inputsOf(out[0]!.payload);
    expect(inputs.password).toBe('<password…ple>');
    expect(inputs.api_key).toBe('<api_key>');
    expect(inputs.note).toMatch(/^key <[a-z_]+…jAe>$/);
    expect(inputs.mail).toMatch(/^<[a-z_]+>$/);
  });

  it('partial, property: never 4 consecutive characters of the secret, whatever it is and whatever key holds it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 4, maxLength: 64 }), fc.constantFrom('password', 'api_key', 'Authorization', 'pwd'), async (secret, key) => {
        const { out } = await runRedact([ev('op_start', 'f', 0, { inputs: { [key]: secret } })], { style: 'partial' });
        expect(leaksIn(JSON.parse(serializeEvent(out[0]!)).payload.inputs[key], [{ text: secret }])).toEqual([]);
      }),
      { numRuns: 2_000, seed: 15 },
    );
    const { out } = await runRedact([ev('op_start', 'f', 0, { inputs: { password: 'mypassword-that-is-long…ple' } })], { style: 'partial' });
    expect(inputsOf(out[0]!.payload).password).toBe('<secret>');
  });

  it('hash: <hash:…> salted, the same secret the same hash, another salt another hash', async () => {
    const e = ev('op_start', 'f', 0, { inputs: { a: 'ada@example.com', b: 'bob@example.com', c: 'ada@example.com' } });
    const one = inputsOf((await runRedact([e], { style: 'hash', hashSalt: 's1' })).out[0]!.payload);
    const again = inputsOf((await runRedact([e], { style: 'hash', hashSalt: 's1' })).out[0]!.payload);
    const other = inputsOf((await runRedact([e], { style: 'hash', hashSalt: 's2' })).out[0]!.payload);
    expect(one.a).toMatch(/^<hash:[0-9a-f]{12}>$/);
    expect([one.a === one.c, one.a === one.b, one.a === again.a, one.a === other.a]).toEqual([true, false, true, false]);
  });

  it('hash, property: the hash of a hex secret never shares 4 characters with it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[0-9a-f]{40}$/), async (secret) => {
        const { out } = await runRedact([ev('op_start', 'f', 0, { inputs: { token: secret } })], { style: 'hash', hashSalt: 'fixed' });
        const token = inputsOf(out[0]!.payload).token as string;
        expect(token).toMatch(/^<hash:[0-9a-f]{12}>$/);
        expect(leaksIn(token, [{ text: secret }])).toEqual([]);
      }),
      { numRuns: 3_000, seed: 15 },
    );
  });

  it('indexed: [KIND_n], the same secret the same token within a request across events and fields, a new count per request', async () => {
    const { out } = await runRedact(
      [
        ev('op_start', 'f', 0, { inputs: { a: 'ada@example.com', b: 'bob@example.com', password: 'Hunter2Hunter2!', 'x-api-key': 'Z9y8X7w6V5u4', order: 'ORD-123456' } }),
        ev('op_end', 'f', 1, { outputs: { again: 'to ada@example.com', pw: ['password', 'Hunter2Hunter2!'] }, status: 'ok', duration_ms: 1, yield_count: 0 }),
        ev('op_start', 'f', 0, { inputs: { a: 'bob@example.com' } }, { request: 'other' }),
      ],
      { style: 'indexed', patterns: [{ name: 'orderId', regex: /ORD-\d{6}/ }] },
    );
    expect(out.map((e) => e.payload)).toEqual([
      { inputs: { a: '[EMAIL_1]', b: '[EMAIL_2]', password: '[PASSWORD_1]', 'x-api-key': '[X_API_KEY_1]', order: '[ORDER_ID_1]' } },
      { outputs: { again: 'to [EMAIL_1]', pw: ['password', '[PASSWORD_1]'] }, status: 'ok', duration_ms: 1, yield_count: 0 },
      { inputs: { a: '[EMAIL_1]' } },
    ]);
    expectWellFormed(out);
  });
});

describe('redact() user rules', () => {
  it('patterns keep their flags: /order-\\d+/i matches ORDER-7, a u-flag pattern keeps its Unicode classes', async () => {
    const { out } = await runRedact([ev('op_start', 'f', 0, { inputs: { text: 'ORDER-7 and order-8', code: 'ref ÄBC-123' } })], {
      patterns: [
        { name: 'orderId', regex: /order-\d+/i },
        { name: 'ref', regex: /\p{Lu}{3}-\d{3}/u },
      ],
    });
    expect(inputsOf(out[0]!.payload)).toEqual({ text: '<redacted> and <redacted>', code: 'ref <redacted>' });
  });

  it('a pattern that matches the empty string ends and changes nothing it does not match', async () => {
    const e = ev('op_start', 'f', 0, { inputs: { text: 'abc' } });
    const { out } = await runRedact([e], { patterns: [{ name: 'qs', regex: /q*/ }] });
    expect(inputsOf(out[0]!.payload)).toEqual({ text: 'abc' });
  });

  it('redactors run on every string after the detectors, keys and names included, with the key the string sits under', async () => {
    const seen: Array<[string, string | undefined]> = [];
    const city = (text: string, key: string | undefined) => {
      seen.push([text, key]);
      return text.replaceAll('Lisbon', '[CITY]');
    };
    const { out } = await runRedact(
      [
        ev('op_start', 'weather Lisbon', 0, { inputs: { q: 'mail ada@example.com in Lisbon', Lisbon: 1 } }, { ctx: ['main', 'weather Lisbon#0'] }),
        ev('annotation', 'weather Lisbon', 1, { key: 'from Lisbon', value: 'Lisbon' }, { ctx: ['main', 'weather Lisbon#0'] }),
        ev('group_start', null, 2, { name: 'turn Lisbon' }),
        ev('llm_usage', null, 3, { model: 'Lisbon-1', prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost_usd: 0 }),
        ev('media_ref', null, 4, { handle: 'h', mime: 'image/Lisbon', size_bytes: 1 }),
      ],
      { redactors: [city] },
    );
    const [start, note, group, usage, media] = out;
    expect([start!.op_name, start!.ctx, start!.payload]).toEqual(['weather [CITY]', ['main', 'weather [CITY]#0'], { inputs: { q: 'mail <redacted> in [CITY]', '[CITY]': 1 } }]);
    expect(note!.payload).toEqual({ key: 'from [CITY]', value: '[CITY]' });
    expect(group!.payload).toEqual({ name: 'turn [CITY]' });
    expect((usage!.payload as { model: string }).model).toBe('[CITY]-1');
    expect((media!.payload as { mime: string }).mime).toBe('image/[CITY]');
    expect(seen).toContainEqual(['mail <redacted> in Lisbon', 'q']);
    expect(seen).toContainEqual(['Lisbon', 'from Lisbon']);
    expect(seen.some(([text]) => text.includes('ada@example.com'))).toBe(false);
  });
});
