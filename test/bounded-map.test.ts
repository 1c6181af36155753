import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

  it('oldest() names the oldest entry without removing it, whatever sets, deletes, re-sets and clears came before', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('touch' as const), key: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('forget oldest' as const), key: fc.constant(0) }),
      fc.record({ kind: fc.constant('clear' as const), key: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const map = new BoundedMap<number, number>();
        const reference = new Map<number, number>();
        ops.forEach(({ kind, key }, i) => {
          if (kind === 'set') {
            reference.set(key, i);
            map.set(key, i);
          } else if (kind === 'delete') {
            expect(map.delete(key)).toBe(reference.delete(key));
          } else if (kind === 'touch') {
            // Least recently used order, as the JSONL exporter's open files and the pipeline's named requests keep it.
            if (reference.has(key)) {
              const value = reference.get(key)!;
              reference.delete(key);
              reference.set(key, value);
              map.delete(key);
              map.set(key, value);
            }
          } else if (kind === 'forget oldest') {
            const oldest = reference.entries().next().value;
            if (oldest !== undefined) reference.delete(oldest[0]);
            const forgotten = map.oldest();
            expect(forgotten).toEqual(oldest);
            if (forgotten !== undefined) map.delete(forgotten[0]);
          } else {
            reference.clear();
            map.clear();
          }
          // Peeking twice changes nothing.
          expect(map.oldest()).toEqual(reference.entries().next().value);
          expect(map.oldest()).toEqual(reference.entries().next().value);
          expect([...map]).toEqual([...reference]);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('a decision cache at its bound forgets its oldest string, one per new one, and keeps every other decision', () => {
    // redact()'s name and key decisions (processors/redact-text.ts) were forgotten all at once at the bound.
    const evicted: string[] = [];
    const cache = new BoundedMap<string, boolean>(3, (key) => evicted.push(key));
    for (const name of ['a', 'b', 'c']) cache.set(name, true);
    cache.set('b', false); // a known string decided again: nothing forgotten, its place kept
    cache.set('d', true);
    expect(evicted).toEqual(['a']);
    expect([...cache]).toEqual([['b', false], ['c', true], ['d', true]]);
    cache.clear();
    cache.set('e', true);
    expect(evicted).toEqual(['a']);
    expect(cache.oldest()).toEqual(['e', true]);
  });

  it('a bound of 0 keeps the entry just set rather than throwing', () => {
    const map = new BoundedMap<string, number>(0);
    map.set('a', 1);
    map.set('b', 2);
    expect([...map]).toEqual([['b', 2]]);
  });

  it('NaN is one key, as in a Map', () => {
    const map = new BoundedMap<number, string>();
    map.set(Number.NaN, 'x');
    map.set(1, 'y');
    expect(map.oldest()).toEqual([Number.NaN, 'x']);
    map.delete(Number.NaN);
    expect(map.oldest()).toEqual([1, 'y']);
  });

  it('keeps memory flat while entries come and go for long after an eviction (no iterator holds the Map\'s old tables)', () => {
    const heapAfter = (mode: string) =>
      Number(execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('children/bounded-map-churn.ts', import.meta.url)), mode], { encoding: 'utf8' }));
    const plain = heapAfter('plain');
    const evicted = heapAfter('evicted');
    // 2,000,000 sets and deletes: a kept iterator held ≈ 600 MiB of old tables here.
    expect(evicted - plain).toBeLessThan(32 * 2 ** 20);
  });
});

