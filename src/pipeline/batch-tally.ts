/**
 * Counts batches sealed and batches finished (delivered, failed or dropped) of one exporter
 * channel; they finish in the order they were sealed, so "everything sealed so far is done" is
 * one number to wait for.
 */
export class BatchTally {
  sealed = 0;
  private finished = 0;
  private waiters: Array<{ target: number; wake: () => void }> = [];

  /** Records one batch finished and wakes whoever waited for it. */
  finish(): void {
    this.finished++;
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.target <= this.finished) waiter.wake();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  /** Resolves once every batch sealed so far has finished. */
  allSealedFinished(): Promise<void> {
    const target = this.sealed;
    if (this.finished >= target) return Promise.resolve();
    return new Promise((wake) => this.waiters.push({ target, wake }));
  }
}
