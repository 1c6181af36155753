/**
 * Issue 15 §5 for the default credential redaction: a detector that throws while a value is
 * captured masks every field of that event that can hold user content, and the failure is
 * counted. The scanner is replaced by one that throws on a marker, as a detector bug would.
 */
import { describe, expect, it, vi } from 'vitest';
import { op } from '../../index.js';
import { serializeEvent } from '../../src/wire/serialize.js';
import { tracer } from '../helpers.js';

vi.mock('../../src/redaction/scanner.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/redaction/scanner.js')>();
  return {
    ...real,
    createScanner: (options?: Parameters<typeof real.createScanner>[0]) => {
      const scanner = real.createScanner(options);
      const explode = (text: string) => {
        if (text.includes('BOOM')) throw new Error('detector bug');
      };
      return {
        mayHold: (text: string) => text.includes('BOOM') || scanner.mayHold(text),
        find: (text: string) => (explode(text), scanner.find(text)),
        redact: (text: string, replace: (secret: string, kind: string) => string) => (explode(text), scanner.redact(text, replace)),
      };
    },
  };
});

describe('a detector that throws while capturing (fail closed)', () => {
  it('masks the whole event it was capturing, op name and ctx included, and counts it; the next events are whole', async () => {
    const t = tracer();
    const call = op('lookup customer-42', (_input: unknown) => 'done');
    await t.pipeline.run(() => call({ note: 'BOOM and hunter2-in-plain-sight', other: 'private words' }));
    const [start, end] = await t.events();
    expect(start!.op_name).toBe('<redacted>');
    expect(start!.ctx).toEqual(['<redacted>', '<redacted>#0']);
    expect(start!.payload).toEqual({ inputs: { $redacted: '<redacted>' } });
    expect(serializeEvent(start!)).not.toContain('private words');
    expect(end!.op_name).toBe('lookup customer-42');
    expect(end!.payload).toMatchObject({ outputs: { value: 'done' }, status: 'ok' });
    expect(t.pipeline.metrics().redaction!.failedClosed).toBe(1);
  });
});
