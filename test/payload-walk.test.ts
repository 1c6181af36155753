import { describe, expect, it } from 'vitest';
import { mapItems, ObjectCopy, rewriteStrings } from '../processors/payload-walk.js';

const upper = (text: string) => (text.startsWith('x') ? text.toUpperCase() : text);

describe('payload-walk: copy on write, shared by truncate() and redact()', () => {
  it('rewriteStrings returns the same reference when no string changes', () => {
    const payload = Object.freeze({ a: 'keep', b: Object.freeze(['keep', 1, null]), c: Object.freeze({ d: true }) });
    expect(rewriteStrings(payload, upper)).toBe(payload);
  });

  it('rewriteStrings copies only the changed path, frozen, in key order, telling each string its key', () => {
    const untouched = Object.freeze({ d: 'keep' });
    const payload = Object.freeze({ a: 'keep', b: Object.freeze(['xy', 'keep']), c: untouched, e: 'xz' });
    const keys: Array<string | undefined> = [];
    const out = rewriteStrings(payload, (text, key) => (keys.push(key), upper(text))) as Record<string, unknown>;
    expect(out).toEqual({ a: 'keep', b: ['XY', 'keep'], c: { d: 'keep' }, e: 'XZ' });
    expect(Object.keys(out)).toEqual(['a', 'b', 'c', 'e']);
    expect(out.c).toBe(untouched);
    expect(Object.isFrozen(out) && Object.isFrozen(out.b)).toBe(true);
    expect(keys).toEqual(['a', 'b', 'b', 'd', 'e']);
  });

  it('an own `__proto__` field stays a field, before and after the first change', () => {
    const payload = JSON.parse('{"__proto__": {"polluted": "xa"}, "b": "xb"}') as Record<string, unknown>;
    const out = rewriteStrings(payload, upper) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'b']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":"XA"},"b":"XB"}');
    const copy = new ObjectCopy(JSON.parse('{"__proto__": 1, "b": 2}'));
    copy.set('b', 'b', 3);
    expect(JSON.stringify(copy.result())).toBe('{"__proto__":1,"b":3}');
  });

  it('mapItems: the same array when nothing changed, else a frozen copy', () => {
    const items = ['a', 'b'];
    expect(mapItems(items, (item) => item)).toBe(items);
    const out = mapItems(items, (item) => (item === 'b' ? 'B' : item));
    expect(out).toEqual(['a', 'B']);
    expect(Object.isFrozen(out)).toBe(true);
    expect(items).toEqual(['a', 'b']);
  });
});
