import { envConfig } from './config.js';
import { pipelineFromEnvironment } from './env-pipeline.js';
import { processWide } from './process-wide.js';

/** The part of a pipeline the default-pipeline machinery needs. */
export interface RequestRunner {
  run<T>(fn: () => T): T;
}

/**
 * The default pipeline, one per process (src/process-wide.ts): set through the ESM build, it is
 * the default of the CommonJS build too, and only one copy makes a pipeline from the
 * environment (two would each write `OPTRAIL_OUTPUT`, splitting the program's requests).
 */
interface DefaultPipelineSlot {
  explicit: RequestRunner | undefined;
  fromEnvironment: RequestRunner | undefined;
  triedEnvironment: boolean;
}

/** Versioned as src/process-wide.ts says: a slot or runner of another shape takes a new key. */
const DEFAULT_PIPELINE_KEY = 'optrail.defaultPipeline.v1';

const slot: DefaultPipelineSlot = processWide(
  DEFAULT_PIPELINE_KEY,
  (value): value is DefaultPipelineSlot => typeof value === 'object' && value !== null && typeof (value as DefaultPipelineSlot).triedEnvironment === 'boolean',
  () => ({ explicit: undefined, fromEnvironment: undefined, triedEnvironment: false }),
);

/**
 * Sets the pipeline that traced calls made outside any request use: each such top-level call
 * then runs as its own request. `undefined` removes it (calls outside requests run bare again).
 */
export function setDefaultPipeline(pipeline: RequestRunner | undefined): void {
  slot.explicit = pipeline;
}

/** The default pipeline: the one set with `setDefaultPipeline`, else one made from `OPTRAIL_OUTPUT` / `OPTRAIL_ENDPOINT`. */
export function getDefaultPipeline(): RequestRunner | undefined {
  if (slot.explicit) return slot.explicit;
  if (slot.fromEnvironment) return slot.fromEnvironment;
  if (envConfig().disabled || slot.triedEnvironment) return undefined;
  slot.triedEnvironment = true;
  slot.fromEnvironment = pipelineFromEnvironment();
  return slot.fromEnvironment;
}

/**
 * Runs `traced` as a new request of the default pipeline, or `bare` when there is none.
 * Making the default pipeline never throws into the caller.
 */
export function runInDefaultRequest<T>(traced: () => T, bare: () => T): T {
  let pipeline: RequestRunner | undefined;
  try {
    pipeline = getDefaultPipeline();
  } catch {
    pipeline = undefined;
  }
  return pipeline ? pipeline.run(traced) : bare();
}
