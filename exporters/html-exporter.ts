import { fileCollector } from './file-collector.js';
import { HtmlExporterOptionsSchema, parseOptions } from '../schemas/options.js';
import type { Exporter } from '../src/pipeline/exporter-types.js';
import { renderHtml } from '../views/html.js';

/** Options of `htmlExporter`. */
export interface HtmlExporterOptions {
  /** The file to write (its directory is created); replaced atomically at each flush and at shutdown. */
  path: string;
  /** The page's title (default `optrail trace`). */
  title?: string;
  /** Events kept for the file (default `DEFAULT_FILE_VIEW_MAX_EVENTS`, 1 000 000); past it, events are counted and the write fails naming the count. */
  maxEvents?: number;
}

/**
 * Writes a self-contained HTML viewer of the run (tree, timeline, grouped tabs) at flush and
 * shutdown. A wrong option throws a TypeError naming it.
 *
 * @example
 * htmlExporter({ path: 'traces/run.html', title: 'nightly eval' })
 */
export function htmlExporter(options: HtmlExporterOptions): Exporter & { readonly skipped: number } {
  parseOptions(HtmlExporterOptionsSchema, options, 'htmlExporter');
  return fileCollector('html', options.path, (events) => renderHtml(events, { title: options.title }), options.maxEvents);
}
