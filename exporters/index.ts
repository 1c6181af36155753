/**
 * Where events go (files, HTTP, OTLP, memory) and the exporters that render views as requests end.
 *
 * @module optrail/exporters
 */
export { memoryExporter, type MemoryExporter } from './memory.js';
export { jsonlExporter, type JsonlExporter, type JsonlExporterOptions, type JsonlTarget } from './jsonl.js';
export { httpExporter, type HttpExporter, type HttpExporterOptions } from './http.js';
export { otlpExporter, toOtlpJson, type OtlpExporter, type OtlpExporterOptions } from './otlp.js';
export type { DeliveryOptions, ExporterDeliveryStats } from '../src/delivery/delivery-options.js';
export type { DeliveryStats } from '../src/delivery/http-delivery.js';
export type { OtlpExportRequest, OtlpSpan, OtlpEvent, OtlpKeyValue, OtlpAnyValue } from '../src/otlp/types.js';
export { treeExporter } from './tree-exporter.js';
export { timelineExporter } from './timeline-exporter.js';
export { groupedExporter } from './grouped-exporter.js';
export { chromeTraceExporter, type ChromeTraceExporterOptions } from './chrome-trace-exporter.js';
export { htmlExporter, type HtmlExporterOptions } from './html-exporter.js';
export type { ViewExporterOptions } from './view-exporter.js';
