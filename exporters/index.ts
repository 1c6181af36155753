/** optrail/exporters: where events go. */
export { memoryExporter, type MemoryExporter } from './memory.js';
export { jsonlExporter, requestFileName, type JsonlExporter, type JsonlExporterOptions, type JsonlTarget } from './jsonl.js';
