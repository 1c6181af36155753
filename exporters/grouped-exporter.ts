import { requestViewExporter, type ViewExporterOptions } from './view-exporter.js';
import { renderGroupedText } from '../views/render-grouped.js';
import { buildGrouped } from '../views/grouped.js';

/** Prints each request's groups (turns, batches) with their totals when it completes. */
export function groupedExporter(options: ViewExporterOptions = {}) {
  return requestViewExporter('grouped', buildGrouped, (views, o) => renderGroupedText(views, o), options);
}
