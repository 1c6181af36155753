import { fileCollector } from './file-collector.js';
import { ChromeTraceExporterOptionsSchema, parseOptions } from '../schemas/options.js';
import type { Exporter } from '../src/pipeline/exporter-types.js';
import { toChromeTrace } from '../views/chrome-trace.js';

/** Options of `chromeTraceExporter`. */
export interface ChromeTraceExporterOptions {
  /** The file to write (its directory is created); replaced atomically at each flush and at shutdown. */
  path: string;
  /** Events kept for the file (default `DEFAULT_FILE_VIEW_MAX_EVENTS`, 1 000 000); past it, events are counted and the write fails naming the count. */
  maxEvents?: number;
}

/**
 * Writes the run as Chrome Trace Event JSON (open it in Perfetto or chrome://tracing) at flush
 * and shutdown. A wrong option throws a TypeError naming it.
 *
 * @example
 * chromeTraceExporter({ path: 'traces/run.json' })
 */
export function chromeTraceExporter(options: ChromeTraceExporterOptions): Exporter & { readonly skipped: number } {
  parseOptions(ChromeTraceExporterOptionsSchema, options, 'chromeTraceExporter');
  return fileCollector('chrome-trace', options.path, (events) => JSON.stringify(toChromeTrace(events)), options.maxEvents);
}
