import { fileCollector } from './file-collector.js';
import { toChromeTrace } from '../views/chrome-trace.js';

/** Writes the run as Chrome Trace Event JSON (open it in Perfetto or chrome://tracing) at flush and shutdown. */
export function chromeTraceExporter(options: { path: string; maxEvents?: number }) {
  return fileCollector('chrome-trace', options.path, (events) => JSON.stringify(toChromeTrace(events)), options.maxEvents);
}
