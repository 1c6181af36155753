import { describe, expect, it } from 'vitest';
import { CountWaiters } from '../src/base/count-waiters.js';

/** Lets every promise continuation queued so far run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('CountWaiters (the one waiter list: memoryExporter.waitFor, the receiver, the batch tally)', () => {
  it('resolves at once when the count is already there', async () => {
    const waiters = new CountWaiters();
    let woken = false;
    void waiters.until(3, 3).then(() => (woken = true));
    await settle();
    expect(woken).toBe(true);
  });

  it('wakes exactly the waiters whose target the count reaches, in the order they waited, each once', async () => {
    const waiters = new CountWaiters();
    const woken: string[] = [];
    for (const [name, target] of [['five', 5], ['two', 2], ['three', 3], ['two again', 2]] as const) {
      void waiters.until(target, 0).then(() => woken.push(name));
    }
    waiters.reached(1);
    await settle();
    expect(woken).toEqual([]);
    waiters.reached(3);
    await settle();
    expect(woken).toEqual(['two', 'three', 'two again']);
    waiters.reached(4);
    waiters.reached(7);
    waiters.reached(9);
    await settle();
    expect(woken).toEqual(['two', 'three', 'two again', 'five']);
  });
});
