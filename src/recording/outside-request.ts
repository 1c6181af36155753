import { processWide } from '../base/process-wide.js';

/**
 * What a traced call made outside any request runs in. The recording layer knows no pipeline:
 * the package's entry installs the default pipeline's lookup here
 * (src/pipeline/default-pipeline.ts), and a call runs bare while none is installed or the lookup
 * finds none.
 */

/** The part of a pipeline a call outside any request needs: a way to run as a new request. */
export interface RequestRunner {
  /** Runs `fn` as a new request and returns what it returns (see `Pipeline.run`). */
  run<T>(fn: () => T): T;
}

/** Finds the runner for calls outside any request (undefined: run bare). */
export type RunnerLookup = () => RequestRunner | undefined;

interface OutsideRequestSlot {
  lookup: RunnerLookup | undefined;
}

/** Versioned as src/base/process-wide.ts says: a slot of another shape takes a new key. */
const OUTSIDE_REQUEST_KEY = 'optrail.outsideRequest.v1';

const slot: OutsideRequestSlot = processWide(
  OUTSIDE_REQUEST_KEY,
  (value): value is OutsideRequestSlot => typeof value === 'object' && value !== null && 'lookup' in value,
  () => ({ lookup: undefined }),
);

/** Installs how calls outside any request find their runner (the package's entry does, once per copy). */
export function installRunnerLookup(lookup: RunnerLookup): void {
  slot.lookup = lookup;
}

/**
 * Runs `traced` as a new request of the installed runner, or `bare` when there is none. Finding
 * the runner never throws into the caller.
 */
export function runOutsideRequest<T>(traced: () => T, bare: () => T): T {
  let runner: RequestRunner | undefined;
  try {
    runner = slot.lookup?.();
  } catch {
    runner = undefined;
  }
  return runner ? runner.run(traced) : bare();
}
