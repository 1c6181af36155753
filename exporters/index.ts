/** optrail/exporters: where events go, and the views rebuilt from them. */
export { memoryExporter, type MemoryExporter } from './memory.js';
export { jsonlExporter, requestFileName, type JsonlExporter, type JsonlExporterOptions, type JsonlTarget } from './jsonl.js';
export { httpExporter, type HttpExporter, type HttpExporterOptions } from './http.js';
export { treeExporter } from './tree-exporter.js';
export { timelineExporter } from './timeline-exporter.js';
export { groupedExporter } from './grouped-exporter.js';
export { chromeTraceExporter } from './chrome-trace-exporter.js';
export { htmlExporter } from './html-exporter.js';
export type { ViewExporterOptions } from './request-views.js';
export { buildTree, type RequestTree, type TreeNode, type Totals, type ModelTokens } from './views/tree.js';
export { buildTimeline, type RequestTimeline, type TimelineSpan, type TimelinePoint } from './views/timeline.js';
export { buildGrouped, type RequestGroups, type Group, type GroupedOp } from './views/grouped.js';
export { renderTreeText } from './views/render-tree.js';
export { renderTimelineText } from './views/render-timeline.js';
export { renderGroupedText } from './views/render-grouped.js';
export { toChromeTrace, type ChromeTraceEvent } from './views/chrome-trace.js';
export { renderHtml, jsonForScript } from './views/html.js';
export { useColor, type Palette } from './views/colors.js';
