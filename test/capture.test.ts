import { describe, expect, it } from 'vitest';
import { capture, captureArgs, captureAsObject, DEFAULT_CAPTURE_LIMITS } from '../src/recording/capture.js';
import { op } from '../src/recording/op.js';
import { tracer } from './helpers.js';

const limits = (maxString = 10, maxItems = 3, maxDepth = 3) => ({ maxString, maxItems, maxDepth });

describe('capture: bounded, immutable JSON snapshots', () => {
  it('cuts long strings and marks the cut with its size', () => {
    expect(capture('x'.repeat(25), limits())).toBe('xxxxxxxxxx…[truncated 15 chars]');
    expect(capture('short', limits())).toBe('short');
  });

  it('caps arrays and objects, counting what was left out', () => {
    expect(capture([1, 2, 3, 4, 5], limits())).toEqual([1, 2, 3, '…[+2 items]']);
    expect(capture({ a: 1, b: 2, c: 3, d: 4, e: 5 }, limits())).toEqual({ a: 1, b: 2, c: 3, '…': '+2 keys' });
  });

  it('a capture started inside another (a getter calling a traced op) has its own circular check', () => {
    let inner: unknown;
    let nested = false;
    const shared: Record<string, unknown> = { name: 'shared' };
    Object.defineProperty(shared, 'probe', {
      enumerable: true,
      get() {
        if (nested) return 'inner';
        nested = true;
        inner = capture({ again: shared }, limits(20, 10, 5));
        nested = false;
        return 'outer';
      },
    });
    shared.self = shared;
    const outer = capture({ shared }, limits(20, 10, 5));
    expect(inner).toEqual({ again: { name: 'shared', probe: 'inner', self: '[Circular]' } });
    expect(outer).toEqual({ shared: { name: 'shared', probe: 'outer', self: '[Circular]' } });
    expect(capture([shared, shared], limits(20, 10, 5))).toEqual([
      { name: 'shared', probe: 'outer', self: '[Circular]' },
      { name: 'shared', probe: 'outer', self: '[Circular]' },
    ]);
  });

  it('keeps own enumerable keys only, in JSON.stringify order, even when Object.prototype is polluted', () => {
    const value: Record<string, unknown> = { b: 1, 2: 'two', a: 'x', 1: 'one' };
    Object.defineProperty(value, 'hidden', { value: 'no', enumerable: false });
    Object.defineProperty(Object.prototype, 'polluted', { value: 'leak', enumerable: true, configurable: true, writable: true });
    try {
      const captured = capture(value, limits(10, 50));
      expect(JSON.stringify(captured)).toBe(JSON.stringify(value));
      expect(Object.keys(captured as object)).toEqual(['1', '2', 'b', 'a']);
      expect(Object.keys(captureAsObject(Object.assign(Object.create(null), { z: 1 }), limits()))).toEqual(['z']);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });

  it('caps depth', () => {
    expect(capture({ a: { b: { c: { d: 1 } } } }, limits())).toEqual({ a: { b: { c: '[Object]' } } });
    expect(capture([[[[1]]]], limits())).toEqual([[['[Array(1)]']]]);
  });

  it('captures exotic values without throwing', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const error = new TypeError('bad', { cause: 'root cause' });
    const value = {
      circular,
      big: 12n,
      sym: Symbol('s'),
      fn: function namedFn() {},
      date: new Date('2026-01-02T03:04:05.678Z'),
      invalidDate: new Date('nope'),
      map: new Map([['k', 1]]),
      set: new Set([1, 2]),
      error,
      bytes: new Uint8Array(1024),
      buffer: Buffer.from('abc'),
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      undef: undefined,
      nil: null,
      promise: Promise.resolve(1),
    };
    expect(capture(value, { maxString: 100, maxItems: 50, maxDepth: 6 })).toEqual({
      circular: { name: 'loop', self: '[Circular]' },
      big: '12n',
      sym: 'Symbol(s)',
      fn: '[Function namedFn]',
      date: '2026-01-02T03:04:05.678Z',
      invalidDate: 'Invalid Date',
      map: { $type: 'Map', size: 1, entries: [['k', 1]] },
      set: { $type: 'Set', size: 2, values: [1, 2] },
      error: { $type: 'Error', name: 'TypeError', message: 'bad', cause: 'root cause' },
      bytes: { $type: 'Uint8Array', byteLength: 1024 },
      buffer: { $type: 'Buffer', byteLength: 3 },
      nan: 'NaN',
      inf: 'Infinity',
      nil: null,
      promise: '[Promise]',
    });
  });

  it('survives throwing getters and toJSON', () => {
    const hostile = {
      get boom() {
        throw new Error('getter');
      },
      ok: 1,
    };
    const badJson = { toJSON: () => { throw new Error('no json'); } };
    Object.setPrototypeOf(badJson, { custom: true });
    expect(capture(hostile, DEFAULT_CAPTURE_LIMITS)).toEqual({ boom: '[Unreadable: getter]', ok: 1 });
    expect(capture(badJson, DEFAULT_CAPTURE_LIMITS)).toBe('[Unserializable: no json]');
  });

  it('survives Proxies: revoked, with throwing traps, as a field, an item or the root; never throws', () => {
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const fail = () => {
      throw new Error('trap');
    };
    const trapped = new Proxy({}, { get: fail, getPrototypeOf: fail, ownKeys: fail });
    const unserializable = expect.stringMatching(/^\[Unserializable: /);
    expect(capture({ revoked, trapped, ok: 1 }, limits(100))).toEqual({ revoked: unserializable, trapped: '[Unserializable: trap]', ok: 1 });
    expect(capture([revoked], limits(100))).toEqual([unserializable]);
    expect(capture(revoked, limits(100))).toEqual(unserializable);
    expect(captureAsObject(revoked, limits(100))).toEqual({ value: unserializable });
    expect(captureArgs([revoked], limits(100))).toEqual({ args: [unserializable] });
    expect(captureArgs([trapped, 2], limits(100))).toEqual({ args: ['[Unserializable: trap]', 2] });
  });

  it('bounds what it writes itself: BigInt, Symbol, function and class names, object keys, a thrown message', () => {
    const huge = 'n'.repeat(5000);
    const fn = () => 1;
    Object.defineProperty(fn, 'name', { value: huge });
    class Named {}
    Object.defineProperty(Named, 'name', { value: huge });
    const deep = { a: { b: { c: new Named() } } };
    const getter = {
      get boom(): never {
        throw new Error(huge);
      },
    };
    const small = limits(10, 5, 3);
    expect(capture(10n ** 40n, small)).toBe('1000000000…[truncated 32 chars]'); // 41 digits and the n
    expect(capture(Symbol(huge), small)).toBe('Symbol(nnn…[truncated 4998 chars]');
    expect((capture(fn, small) as string).length).toBeLessThan(400);
    expect(((capture(deep, small) as any).a.b.c as string).length).toBeLessThan(400);
    expect(Object.keys(capture({ [huge]: 1 }, small) as object)).toEqual(['nnnnnnnnnn…[truncated 4990 chars]']);
    expect(((capture(getter, small) as any).boom as string).length).toBeLessThan(400);
  });

  it('an own "__proto__" key stays a field of the snapshot, never its prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}');
    const snap = capture(parsed, limits(100)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(snap)).toBe(Object.prototype);
    expect(Object.keys(snap)).toEqual(['__proto__', 'ok']);
    expect(JSON.stringify(snap)).toBe('{"__proto__":{"polluted":true},"ok":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('snapshots are frozen and share nothing with the original', () => {
    const original = { list: [1, { x: 1 }], nested: { y: 2 } };
    const snap = captureAsObject(original) as any;
    original.list.push(99);
    (original.nested as any).y = 3;
    expect(snap).toEqual({ list: [1, { x: 1 }], nested: { y: 2 } });
    expect(Object.isFrozen(snap)).toBe(true);
    expect(Object.isFrozen(snap.list)).toBe(true);
    expect(Object.isFrozen(snap.list[1])).toBe(true);
    expect(() => {
      'use strict';
      snap.nested.y = 5;
    }).toThrow();
  });

  it('maps arguments to inputs: one plain object → fields, none → {}, else args', () => {
    expect(captureArgs([{ q: 'x' }])).toEqual({ q: 'x' });
    expect(captureArgs([])).toEqual({});
    expect(captureArgs(['a', 2])).toEqual({ args: ['a', 2] });
    expect(captureArgs([[1, 2]])).toEqual({ args: [[1, 2]] });
    expect(captureArgs([new Map()])).toEqual({ args: [{ $type: 'Map', size: 0, entries: [] }] });
  });

  it('limits are set per pipeline and overridden per op', async () => {
    const { pipeline, events } = tracer({ limits: { maxString: 4 } });
    const def = op('def', (s: string) => s);
    const wide = op('wide', (s: string) => s, { limits: { maxString: 8 } });
    pipeline.run(() => {
      def('abcdefghijkl');
      wide('abcdefghijkl');
    });
    const got = await events();
    expect(got[0]!.payload).toEqual({ inputs: { args: ['abcd…[truncated 8 chars]'] } });
    expect(got[2]!.payload).toEqual({ inputs: { args: ['abcdefgh…[truncated 4 chars]'] } });
  });
});
