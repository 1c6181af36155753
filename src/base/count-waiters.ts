/**
 * Waits for a count (events collected, batches finished, events accepted) to reach a target: the
 * one waiter list of optrail. The owner of the count calls `reached(count)` whenever it grows.
 */
export class CountWaiters {
  private waiting: Array<{ target: number; wake: () => void }> = [];

  /** Resolves once the count reaches `target`: at once when `count` (the count now) already has. */
  until(target: number, count: number): Promise<void> {
    if (count >= target) return Promise.resolve();
    return new Promise((wake) => this.waiting.push({ target, wake }));
  }

  /** Wakes, in the order they began to wait, everyone whose target `count` reaches. */
  reached(count: number): void {
    if (this.waiting.length === 0) return;
    const still: typeof this.waiting = [];
    for (const waiter of this.waiting) {
      if (waiter.target <= count) waiter.wake();
      else still.push(waiter);
    }
    this.waiting = still;
  }
}
