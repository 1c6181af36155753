import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, TraceEventSchema } from '../schemas/trace-event.js';
import { surelyValidEvent } from '../src/wire/structural-check.js';
import { sortEvents, compareEvents } from '../src/wire/order.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';

const valid: Record<string, Record<string, unknown>> = {
  op_start: { inputs: { q: 'x' } },
  op_end: { outputs: {}, status: 'error', duration_ms: 1.5, yield_count: 0, error: { type: 'E', message: 'm' } },
  op_yield: { yielded: { v: 1 }, idx: 3 },
  annotation: { key: 'k', value: [1, 2] },
  group_start: { name: 'g', turn: 1 },
  group_end: { name: 'g', status: 'truncated' },
  llm_usage: {
    model: 'm', prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, cost_usd: 0.001,
    // the optional fields too, so the property mutates them
    cost_unknown: true, cost_source: 'price_table', provider: 'p', request_model: 'm0', response_model: 'm1',
    cache_read_tokens: 1, cache_write_tokens: 0, reasoning_tokens: 1, cached_prompt_tokens: 1,
  },
  media_ref: { handle: 'sha256:ab', mime: 'image/png', size_bytes: 10 },
};

// Values that break fields in every way JSON allows.
const weird = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: false }),
  fc.constant(2 ** 60),
  fc.string({ maxLength: 4 }),
  fc.constantFrom('', 'ok', 'truncated', 'cancelled', '2026-11-22T12:00:00Z', '2026-11-22T12:00:00.1234567890Z'),
  fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
  fc.constant({}),
  fc.constant([]),
);

function base(kind: string): Record<string, unknown> {
  return {
    event_id: 'r-1',
    request_id: 'r',
    kind,
    op_name: 'f',
    ctx: ['main', 'f#0'],
    timestamp: '2026-11-22T12:00:00.000001Z',
    seq: 1,
    payload: structuredClone(valid[kind]),
  };
}

describe('the fast event check is sound against the zod schemas', () => {
  it('accepts the valid example of every kind', () => {
    for (const kind of EVENT_KINDS) {
      expect(surelyValidEvent(base(kind))).toBe(true);
      expect(TraceEventSchema.safeParse(base(kind)).success).toBe(true);
    }
  });

  it('property: whatever it accepts, zod accepts (20,000 mutated events)', () => {
    const topFields = ['event_id', 'request_id', 'kind', 'op_name', 'ctx', 'timestamp', 'seq', 'payload'];
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_KINDS),
        fc.array(fc.tuple(fc.boolean(), fc.nat(20), weird), { minLength: 1, maxLength: 3 }),
        (kind, mutations) => {
          const event = base(kind);
          for (const [top, index, value] of mutations) {
            if (top) event[topFields[index % topFields.length]!] = value;
            else {
              const payload = event.payload as Record<string, unknown> | null;
              if (payload && typeof payload === 'object') {
                const keys = [...Object.keys(valid[kind]!), 'error'];
                payload[keys[index % keys.length]!] = value;
              }
            }
          }
          if (surelyValidEvent(event)) expect(TraceEventSchema.safeParse(event).success).toBe(true);
        },
      ),
      { numRuns: 20_000, seed: 7 },
    );
  });
});

describe('sortEvents', () => {
  it('orders exactly as compareEvents', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5), fc.nat(3), fc.constantFrom('op_start', 'group_start', 'group_end', 'annotation'), fc.constantFrom('a', 'b')), { maxLength: 40 }), (specs) => {
        const events = specs.map(([t, seq, kind, request], i) => ({
          event_id: `${request}-${i}`,
          request_id: request,
          kind,
          timestamp: t === 0 ? '2026-11-22T12:00:00Z' : `2026-11-22T12:00:00.00000${t}Z`,
          seq,
        })) as unknown as TraceEvent[];
        expect(sortEvents(events)).toEqual([...events].sort(compareEvents));
      }),
      { numRuns: 2000 },
    );
  });
});
