import { CountWaiters } from '../base/count-waiters.js';

/**
 * Counts batches sealed and batches finished (delivered, failed or dropped) of one exporter
 * channel; they finish in the order they were sealed, so "everything sealed so far is done" is
 * one number to wait for.
 */
export class BatchTally {
  sealed = 0;
  private finished = 0;
  private readonly waiters = new CountWaiters();

  /** Records one batch finished and wakes whoever waited for it. */
  finish(): void {
    this.waiters.reached(++this.finished);
  }

  /** Resolves once every batch sealed so far has finished. */
  allSealedFinished(): Promise<void> {
    return this.waiters.until(this.sealed, this.finished);
  }
}
