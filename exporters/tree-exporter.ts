import { requestViewExporter, type ViewExporterOptions } from './view-exporter.js';
import { renderTreeText } from '../views/render-tree.js';
import { buildTree } from '../views/tree.js';

/** Prints each request as a tree when it completes (and what is left at flush and shutdown). */
export function treeExporter(options: ViewExporterOptions = {}) {
  return requestViewExporter('tree', buildTree, (views, o) => renderTreeText(views, o), options);
}
