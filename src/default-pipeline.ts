import { envConfig } from './config.js';
import { pipelineFromEnvironment } from './env-pipeline.js';

/** The part of a pipeline the default-pipeline machinery needs. */
export interface RequestRunner {
  run<T>(fn: () => T): T;
}

let explicitDefault: RequestRunner | undefined;
let fromEnvironment: RequestRunner | undefined;
let triedEnvironment = false;

/**
 * Sets the pipeline that traced calls made outside any request use: each such top-level call
 * then runs as its own request. `undefined` removes it (calls outside requests run bare again).
 */
export function setDefaultPipeline(pipeline: RequestRunner | undefined): void {
  explicitDefault = pipeline;
}

/** The default pipeline: the one set with `setDefaultPipeline`, else one made from `OPTRAIL_OUTPUT` / `OPTRAIL_ENDPOINT`. */
export function getDefaultPipeline(): RequestRunner | undefined {
  if (explicitDefault) return explicitDefault;
  if (fromEnvironment) return fromEnvironment;
  if (envConfig().disabled || triedEnvironment) return undefined;
  triedEnvironment = true;
  fromEnvironment = pipelineFromEnvironment();
  return fromEnvironment;
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
