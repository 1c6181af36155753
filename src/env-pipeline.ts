import { statSync } from 'node:fs';
import { jsonlExporter } from '../exporters/jsonl.js';
import { createPipeline, type Pipeline } from './pipeline.js';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The pipeline `OPTRAIL_OUTPUT` asks for: a directory (the value ends in `/` or names an
 * existing directory) gets one `<request_id>.jsonl` per request; a file path gets one file,
 * gzip-compressed when it ends in `.gz`.
 */
export function pipelineForOutput(output: string): Pipeline {
  const exporter =
    output.endsWith('/') || isDirectory(output)
      ? jsonlExporter({ dir: output })
      : jsonlExporter({ path: output }, { gzip: output.endsWith('.gz') });
  return createPipeline({ exporters: [exporter] });
}
