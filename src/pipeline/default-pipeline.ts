import { envConfig } from '../base/environment.js';
import { processWide } from '../base/process-wide.js';

import { installRunnerLookup, type RequestRunner } from '../recording/outside-request.js';
import type { Exporter } from './exporter-types.js';
import { createPipeline } from './pipeline.js';

export type { RequestRunner } from '../recording/outside-request.js';

/**
 * Makes the exporters the environment asks for (`OPTRAIL_OUTPUT`, `OPTRAIL_ENDPOINT`): the
 * exporters live above the pipeline, so the package's entry hands their factory down
 * (exporters/environment.ts) with `installEnvironmentExporters`.
 */
export type EnvironmentExporters = () => Exporter[];

/**
 * The default pipeline, one per process (src/base/process-wide.ts): set through the ESM build, it is
 * the default of the CommonJS build too, and only one copy makes a pipeline from the
 * environment (two would each write `OPTRAIL_OUTPUT`, splitting the program's requests).
 */
interface DefaultPipelineSlot {
  explicit: RequestRunner | undefined;
  exporters?: EnvironmentExporters | undefined;
  fromEnvironment: RequestRunner | undefined;
  triedEnvironment: boolean;
}

/**
 * Versioned as src/base/process-wide.ts says: a slot or runner of another shape takes a new key.
 * `exporters` is optional, so copies with and without it share v1.
 */
const DEFAULT_PIPELINE_KEY = 'optrail.defaultPipeline.v1';

const slot: DefaultPipelineSlot = processWide(
  DEFAULT_PIPELINE_KEY,
  (value): value is DefaultPipelineSlot => typeof value === 'object' && value !== null && typeof (value as DefaultPipelineSlot).triedEnvironment === 'boolean',
  () => ({ explicit: undefined, exporters: undefined, fromEnvironment: undefined, triedEnvironment: false }),
);

/**
 * Sets the pipeline that traced calls made outside any request use: each such top-level call
 * then runs as its own request. `undefined` removes it (calls outside requests run bare again).
 */
export function setDefaultPipeline(pipeline: RequestRunner | undefined): void {
  slot.explicit = pipeline;
  // Also when the package's entry was not loaded (a bundler that skipped it, internal imports).
  installRunnerLookup(getDefaultPipeline);
}

/** The default pipeline: the one set with `setDefaultPipeline`, else one made from `OPTRAIL_OUTPUT` / `OPTRAIL_ENDPOINT`. */
export function getDefaultPipeline(): RequestRunner | undefined {
  if (slot.explicit) return slot.explicit;
  if (slot.fromEnvironment) return slot.fromEnvironment;
  if (envConfig().disabled || slot.triedEnvironment) return undefined;
  slot.triedEnvironment = true;
  const exporters = slot.exporters?.() ?? [];
  slot.fromEnvironment = exporters.length > 0 ? createPipeline({ exporters }) : undefined;
  return slot.fromEnvironment;
}

/** Installs the factory of the environment's exporters (the package's entry does; see `EnvironmentExporters`). */
export function installEnvironmentExporters(exporters: EnvironmentExporters): void {
  slot.exporters = exporters;
}
