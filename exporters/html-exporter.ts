import { fileCollector } from './file-collector.js';
import { renderHtml } from '../views/html.js';

/** Writes a self-contained HTML viewer of the run (tree, timeline, grouped tabs) at flush and shutdown. */
export function htmlExporter(options: { path: string; title?: string; maxEvents?: number }) {
  return fileCollector('html', options.path, (events) => renderHtml(events, { title: options.title }), options.maxEvents);
}
