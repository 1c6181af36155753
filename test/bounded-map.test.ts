import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../src/base/bounded-map.js';

describe('BoundedMap', () => {
  it('forgets exactly the oldest entries, whatever sets, deletes and clears came before (against a plain reference)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ kind: fc.constant('clear' as const), key: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 300 }), (max, ops) => {
        const evicted: number[] = [];
        const map = new BoundedMap<number, number>(max, (key) => evicted.push(key));
        const reference = new Map<number, number>();
        const expectedEvicted: number[] = [];
        ops.forEach(({ kind, key }, i) => {
          if (kind === 'set') {
            if (!reference.has(key) && reference.size >= max) {
              const oldest = reference.keys().next().value!;
              reference.delete(oldest);
              expectedEvicted.push(oldest);
            }
            reference.set(key, i);
            map.set(key, i);
          } else if (kind === 'delete') {
            reference.delete(key);
            map.delete(key);
          } else {
            reference.clear();
            map.clear();
          }
          expect([...map]).toEqual([...reference]);
        });
        expect(evicted).toEqual(expectedEvicted);
      }),
      { numRuns: 300 },
    );
  });
});
