import { statSync } from 'node:fs';
import { httpExporter } from './http.js';
import { jsonlExporter } from './jsonl.js';
import { envConfig } from '../src/base/environment.js';
import type { Exporter } from '../src/pipeline/exporter-types.js';
import { createPipeline, type Pipeline } from '../src/pipeline/pipeline.js';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The exporters the environment asks for. `OPTRAIL_OUTPUT`: a directory (the value ends in `/`
 * or names an existing directory) gets one `<request_id>.jsonl` per request; a file path gets
 * one file, gzip-compressed when it ends in `.gz`. `OPTRAIL_ENDPOINT` (with `OPTRAIL_API_KEY`
 * and `OPTRAIL_SPOOL_DIR`): an HTTP exporter. Both may be set.
 */
export function exportersFromEnvironment(): Exporter[] {
  const env = envConfig();
  const exporters: Exporter[] = [];
  if (env.output !== undefined) {
    const output = env.output;
    exporters.push(
      output.endsWith('/') || isDirectory(output)
        ? jsonlExporter({ dir: output })
        : jsonlExporter({ path: output }, { gzip: output.endsWith('.gz') }),
    );
  }
  if (env.endpoint !== undefined) {
    exporters.push(httpExporter({ url: env.endpoint, apiKey: env.apiKey, spoolDir: env.spoolDir }));
  }
  return exporters;
}

/** A pipeline with the environment's exporters (`exportersFromEnvironment`), or undefined when it asks for none. */
export function pipelineFromEnvironment(): Pipeline | undefined {
  const exporters = exportersFromEnvironment();
  return exporters.length > 0 ? createPipeline({ exporters }) : undefined;
}
