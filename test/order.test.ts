import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalTimestamp, formatMicros, nowMicros, parseTimestampMicros } from '../src/wire/clock.js';
import { op } from '../src/recording/op.js';
import { compareEvents } from '../src/wire/order.js';
import { tracer } from './helpers.js';

describe('order, clock and immutability', () => {
  it('timestamps have 6 fractional digits and never go backwards; seq strictly increases', async () => {
    const { pipeline, events } = tracer();
    const f = op('f', (i: number) => i);
    pipeline.run(() => {
      for (let i = 0; i < 2000; i++) f(i);
    });
    const got = await events();
    expect(got).toHaveLength(4000);
    let previous = -1;
    got.forEach((event, i) => {
      expect(event.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      const micros = parseTimestampMicros(event.timestamp);
      expect(micros).toBeGreaterThanOrEqual(previous);
      previous = micros;
      expect(event.seq).toBe(i);
    });
    const shuffled = [...got].sort(() => Math.random() - 0.5);
    expect(shuffled.sort(compareEvents).map((e) => e.seq)).toEqual(got.map((e) => e.seq));
  });

  it('formats every microsecond right across millisecond and second boundaries (cached prefixes)', () => {
    const base = Date.UTC(2026, 10, 22, 12, 0, 59) * 1000;
    for (const offset of [0, 1, 999, 1000, 1001, 999_999, 1_000_000, 1_000_001, 1_999_999, 60_000_000]) {
      const micros = base + offset;
      const expected = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 23) + String(micros % 1000).padStart(3, '0') + 'Z';
      expect(formatMicros(micros)).toBe(expected);
      expect(parseTimestampMicros(formatMicros(micros))).toBe(micros);
    }
  });

  it('parses any run of timestamps right, whatever second came before (cached second)', () => {
    const timestamp = fc.record({
      millis: fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }),
      digits: fc.stringMatching(/^\d{0,9}$/),
      dot: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(timestamp, { minLength: 1, maxLength: 20 }), fc.boolean(), (stamps, repeatSecond) => {
        for (const { millis, digits, dot } of stamps) {
          const second = Math.floor(millis / 1000) * 1000;
          const text = new Date(second).toISOString().slice(0, 19) + (dot || digits ? '.' + digits : '') + 'Z';
          const expected = second * 1000 + Number((digits + '000000').slice(0, 6));
          expect(parseTimestampMicros(text)).toBe(expected);
          if (repeatSecond) expect(parseTimestampMicros(text)).toBe(expected);
        }
      }),
      { numRuns: 2000 },
    );
    for (const bad of ['2026-11-22T12:00:00.12a456Z', 'not a time', '2026-13-22T12:00:00Z', '']) expect(parseTimestampMicros(bad)).toBeNaN();
    expect(parseTimestampMicros('2026-11-22T12:00:00.12a456Z')).toBeNaN(); // with its second cached
  });

  it('formats and parses microseconds; compares instants, never text', () => {
    const micros = Date.UTC(2026, 10, 22, 12, 0, 0) * 1000 + 123456;
    expect(formatMicros(micros)).toBe('2026-11-22T12:00:00.123456Z');
    expect(parseTimestampMicros('2026-11-22T12:00:00.123456Z')).toBe(micros);
    expect(parseTimestampMicros('2026-05-05T12:00:00Z')).toBe(Date.UTC(2026, 4, 5, 12) * 1000);
    expect(parseTimestampMicros('2026-05-05T12:00:00.5Z')).toBe(Date.UTC(2026, 4, 5, 12) * 1000 + 500000);
    expect(parseTimestampMicros('2026-05-05T12:00:00.123456789Z')).toBe(Date.UTC(2026, 4, 5, 12) * 1000 + 123456);
    expect(canonicalTimestamp('2026-05-05T12:00:00Z')).toBe('2026-05-05T12:00:00.000000Z');
    const a = { timestamp: '2026-05-05T12:00:00Z', seq: 5, event_id: 'a' } as any;
    const b = { timestamp: '2026-05-05T12:00:00.000001Z', seq: 0, event_id: 'b' } as any;
    expect(compareEvents(a, b)).toBeLessThan(0); // as text, "…00Z" sorts after "…00.000001Z"
    const c = { ...a, seq: 5, event_id: 'c' };
    expect(compareEvents(a, c)).toBeLessThan(0);
    const t1 = nowMicros();
    expect(nowMicros()).toBeGreaterThanOrEqual(t1);
  });

  it('events are deeply frozen', async () => {
    const { pipeline, events } = tracer();
    pipeline.run(() => op('f', () => 1)(), { metadata: { m: [1] } });
    pipeline.run(() => op('g', (x: { nested: { v: number } }) => x)({ nested: { v: 1 } }));
    for (const event of await events()) {
      expect(Object.isFrozen(event)).toBe(true);
      expect(Object.isFrozen(event.payload)).toBe(true);
      expect(Object.isFrozen(event.ctx)).toBe(true);
    }
    const last = (await events()).at(-1)!;
    expect(() => {
      (last.payload as any).outputs.nested.v = 2;
    }).toThrow(TypeError);
  });
});
