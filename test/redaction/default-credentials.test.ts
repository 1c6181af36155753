/**
 * Issue 15 §7: every pipeline redacts credentials while it captures, unless told not to; §1 for
 * the fields the recording API fills (op names, ctx, request ids, annotation keys, group names,
 * models, mime types, thrown errors); §4 the capture's own cut never sees a whole secret.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonlExporter } from '../../exporters/jsonl.js';
import { readEnvConfig } from '../../src/base/environment.js';
import { annotate, group, op, recordLlmUsage, recordMedia } from '../../index.js';
import { serializeEvent } from '../../src/wire/serialize.js';
import { tempDir, tracer } from '../helpers.js';

const OPENAI = 'sk-proj-' + 'Zx81QpL0mVb3Rt6YwK2nHs9Dg4Fc7Ej1Au5';
const GITHUB = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const SECRET_PART = OPENAI.slice(8, 20);

function text(events: readonly { [key: string]: unknown }[]): string {
  return events.map((e) => serializeEvent(e as never)).join('\n');
}

describe('credentials are redacted by default, while capturing', () => {
  it('in inputs, outputs, yields and error messages, at any depth, glued to other text', async () => {
    const t = tracer();
    const call = op('call', (request: { prompt: string; nested: { deep: string[] } }) => ({ echoed: `key=${request.prompt}` }));
    const stream = op('stream', function* () {
      yield { chunk: `token${GITHUB}` };
    });
    const fail = op('fail', () => {
      throw new Error(`401 for key ${OPENAI}`);
    });
    await t.pipeline.run(async () => {
      call({ prompt: `use x${OPENAI} now`, nested: { deep: [OPENAI] } });
      [...stream()];
      expect(() => fail()).toThrow(OPENAI); // the program still sees its own error, unchanged
    });
    const out = text(await t.events());
    expect(out).not.toContain(SECRET_PART);
    expect(out).not.toContain(GITHUB.slice(4, 16));
    expect(out).toContain('use x<redacted> now');
    expect(out).toContain('"chunk":"token<redacted>"');
    expect(out).toContain('401 for key <redacted>');
  });

  it('values under secret key names, in objects, [name, value] pairs, {name, value} headers and Map entries', async () => {
    const t = tracer();
    const call = op('call', (_request: unknown) => 'ok');
    await t.pipeline.run(() =>
      call({
        db_password: 'hunter2x',
        'x-api-key': 'plain-looking',
        OPENAI_API_KEY: 12345678,
        auth: { user: 'ada', pass: 'x' },
        has_password: true,
        session: null,
        headers: [
          ['Authorization', 'opaque-value'],
          ['accept', 'text/plain'],
        ],
        har: [{ name: 'Cookie', value: 'sid=abcdef' }],
        map: new Map([['client_secret', 'shh-its-secret']]),
        prompt_tokens: 12,
      }),
    );
    const [start] = await t.events();
    expect(start!.payload).toEqual({
      inputs: {
        db_password: '<redacted>',
        'x-api-key': '<redacted>',
        OPENAI_API_KEY: '<redacted>',
        auth: '<redacted>',
        has_password: true,
        session: null,
        headers: [
          ['Authorization', '<redacted>'],
          ['accept', 'text/plain'],
        ],
        har: [{ name: 'Cookie', value: '<redacted>' }],
        map: { $type: 'Map', size: 1, entries: [['client_secret', '<redacted>']] },
        prompt_tokens: 12,
      },
    });
  });

  it('in op names, ctx segments, annotation keys and values, group names and metadata, models, providers and mime types', async () => {
    const t = tracer();
    const inner = op(`inner ${OPENAI}`, () => {
      annotate(`note ${OPENAI}`, { detail: OPENAI });
      annotate('api_key', 'plain-value');
      recordLlmUsage({ model: `ft:${OPENAI}`, provider: OPENAI, promptTokens: 3, completionTokens: 4 });
      recordMedia('bytes', { mime: `text/plain; key=${OPENAI}` });
    });
    const outer = op('outer', () => inner());
    await t.pipeline.run(() => group(`turn ${OPENAI}`, () => outer(), { secret: 'sauce', note: OPENAI }));
    const events = await t.events();
    const out = text(events);
    expect(out).not.toContain(SECRET_PART);
    expect(out).not.toContain('plain-value');
    expect(out).not.toContain('sauce');
    const innerStart = events.find((e) => e.kind === 'op_start' && e.op_name !== 'outer')!;
    expect(innerStart.op_name).toBe('inner <redacted>');
    expect(innerStart.ctx).toEqual(['main', 'outer#0', 'inner <redacted>#0']);
  });

  it('a request id holding a credential becomes one stable pseudonym: every event, the end marker, the file name', async () => {
    const dir = tempDir();
    const t = tracer({ exporters: [jsonlExporter({ dir })] });
    const step = op('step', () => 1);
    await t.pipeline.run(() => (step(), step()), { requestId: `user-${OPENAI}` });
    await t.pipeline.run(() => step(), { requestId: `user-${OPENAI}` });
    const stream = await t.stream();
    const ids = new Set(stream.map((e) => e.request_id));
    expect(ids.size).toBe(1);
    const [id] = ids;
    expect(id).toMatch(/^req-[a-z2-7]{20}$/);
    expect(text(stream)).not.toContain(SECRET_PART);
    await t.pipeline.shutdown();
    expect(readdirSync(dir).join(' ')).not.toContain(SECRET_PART);
    expect(readdirSync(dir)).toEqual([`${id}.jsonl`]);
  });

  it('is applied before the capture cut: no 4+ characters of a secret survive any cut position', async () => {
    for (let maxString = 1; maxString < 60; maxString += 3) {
      const t = tracer({ limits: { maxString } });
      const call = op('call', (_text: string) => 0);
      await t.pipeline.run(() => call(`prefix text ${OPENAI} suffix`));
      const out = text(await t.events());
      for (let i = 8; i + 4 <= OPENAI.length; i++) expect(out).not.toContain(OPENAI.slice(i, i + 4));
    }
  });

  it('is counted in metrics().redaction by what found it', async () => {
    const t = tracer();
    const call = op('call', (_request: unknown) => 0);
    await t.pipeline.run(() => call({ password: 'x', note: `${OPENAI} and ${GITHUB}` }));
    await t.pipeline.flush();
    const counts = t.pipeline.metrics().redaction!;
    expect(counts.failedClosed).toBe(0);
    expect(counts.redacted.secret_key).toBe(1);
    expect(Object.values(counts.redacted).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('in what optrail writes itself: [Unserializable: …] messages, class and function names, errors(), the shutdown report and the log', async () => {
    const warnings: string[] = [];
    const t = tracer({ logger: { warn: (message) => warnings.push(message) } });
    const named = Object.defineProperty(function () {}, 'name', { value: `fn ${OPENAI}` });
    class Bytes extends Uint8Array {}
    Object.defineProperty(Bytes, 'name', { value: `bytes ${OPENAI}` });
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error(`no keys for ${OPENAI}`); } });
    class Refuses {
      toJSON(): never {
        throw new Error(`cannot ${OPENAI}`);
      }
    }
    const call = op('call', (_input: unknown) => ({ json: new Refuses() }));
    // A signal option that throws is an internal failure: the op runs bare and it is reported.
    const signalled = op(`signalled ${OPENAI}`, () => 0, {
      signal: () => {
        throw new Error(`signal ${OPENAI}`);
      },
    });
    await t.pipeline.run(() => (call({ named, bytes: new Bytes(2), hostile }), signalled()));
    const events = await t.events();
    const report = await t.pipeline.shutdown();
    const everything = [text(events), JSON.stringify(t.pipeline.errors()), JSON.stringify(report), ...warnings].join('\n');
    expect(everything).toContain('signal <redacted>');
    expect(everything).toContain('[Unserializable: no keys for <redacted>]');
    expect(everything).toContain('[Unserializable: cannot <redacted>]');
    expect(everything).toContain('[Function fn <redacted>]');
    expect(everything).toContain('"$type":"bytes <redacted>"');
    expect(everything).toContain('internal:op signalled <redacted>');
    expect(everything).not.toContain(SECRET_PART);
  });

  it('counts a request id turned into a pseudonym', async () => {
    const t = tracer();
    const step = op('step', () => 1);
    await t.pipeline.run(() => step(), { requestId: `user ${OPENAI}` });
    expect(t.pipeline.metrics().redaction!.redacted.request_id).toBe(1);
  });

  it('leaves personal data to redact(): e-mails pass by default', async () => {
    const t = tracer();
    const call = op('call', (_email: string) => 0);
    await t.pipeline.run(() => call('ada@example.com'));
    expect(text(await t.events())).toContain('ada@example.com');
  });

  it('turns off with one option, and with OPTRAIL_REDACT_CREDENTIALS=false for the environment pipeline', async () => {
    const t = tracer({ redactCredentials: false });
    const call = op('call', (_request: unknown) => 0);
    await t.pipeline.run(() => call({ password: 'hunter2x', note: OPENAI }));
    const out = text(await t.events());
    expect(out).toContain('hunter2x');
    expect(out).toContain(OPENAI);
    expect(t.pipeline.metrics().redaction).toBeUndefined();
    expect(readEnvConfig({ OPTRAIL_REDACT_CREDENTIALS: 'false' }).redactCredentials).toBe(false);
    expect(readEnvConfig({ OPTRAIL_REDACT_CREDENTIALS: 'off' }).redactCredentials).toBe(false);
    expect(readEnvConfig({ OPTRAIL_REDACT_CREDENTIALS: 'true' }).redactCredentials).toBeUndefined();
    expect(readEnvConfig({}).redactCredentials).toBeUndefined();
  });

  it('rejects a malformed redactCredentials option at once, saying what it expects', () => {
    for (const bad of ['yes', { extraKeys: 'password' }, { extraKeys: [42] }]) {
      expect(() => tracer({ redactCredentials: bad as never })).toThrow(
        'createPipeline: invalid options: redactCredentials: expected true, false, or { keys?, extraKeys?, allowKeys? }, each an array of strings and RegExps',
      );
    }
    expect(() => tracer({ redactCredentials: { allowKeys: ['x'], nope: 1 } as never })).toThrow('redactCredentials: Unrecognized key: "nope"');
  });

  it('takes extra key names and allows names back', async () => {
    const t = tracer({ redactCredentials: { extraKeys: ['customerNotes'], allowKeys: ['session'] } });
    const call = op('call', (_request: unknown) => 0);
    await t.pipeline.run(() => call({ customer_notes: 'private', session: 'kept', password: 'x' }));
    const [start] = await t.events();
    expect(start!.payload).toEqual({ inputs: { customer_notes: '<redacted>', session: 'kept', password: '<redacted>' } });
  });

  it('never changes what the traced program sees', async () => {
    const t = tracer();
    const input = { password: 'hunter2x', note: OPENAI, list: [['authorization', 'x']] };
    const snapshot = JSON.stringify(input);
    const call = op('call', (request: typeof input) => request);
    const result = await t.pipeline.run(() => call(input));
    expect(result).toBe(input);
    expect(JSON.stringify(input)).toBe(snapshot);
  });
});
