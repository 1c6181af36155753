import { requestViewExporter, type ViewExporterOptions } from './view-exporter.js';
import { renderTimelineText } from '../views/render-timeline.js';
import { buildTimeline } from '../views/timeline.js';

/** Prints each request as a Gantt-style timeline fitted to the terminal's width when it completes. */
export function timelineExporter(options: ViewExporterOptions = {}) {
  return requestViewExporter('timeline', buildTimeline, (views, o) => renderTimelineText(views, o), options);
}
