import { afterEach, describe, expect, it, vi } from 'vitest';
import { settlesWithin } from '../src/base/timeout.js';

describe('settlesWithin (the one "wait at most")', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('with ms = Infinity arms no timer: the promise or the signal ends the wait', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    const never = new Promise<never>(() => {});
    const waiting = settlesWithin(never, Infinity, stop.signal);
    expect(vi.getTimerCount()).toBe(0);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(await settlesWithin(Promise.reject(new Error('no')), Infinity)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a finite wait ends at its deadline, and its timer is cleared when the promise settles first', async () => {
    vi.useFakeTimers();
    const late = settlesWithin(new Promise<never>(() => {}), 50);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(await late).toBe(false);
    expect(await settlesWithin(Promise.resolve(1), 50)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
