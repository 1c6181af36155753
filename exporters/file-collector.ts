import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TraceEvent } from '../schemas/trace-event.js';
import type { Exporter } from '../src/pipeline/exporter-types.js';
import { DEFAULT_FILE_VIEW_MAX_EVENTS } from '../src/base/defaults.js';

/**
 * An exporter that keeps events (up to `maxEvents`, the rest counted) and writes one rendered
 * file at flush and shutdown, atomically (temporary file, then rename).
 */
export function fileCollector(name: string, path: string, render: (events: readonly TraceEvent[]) => string, maxEvents = DEFAULT_FILE_VIEW_MAX_EVENTS): Exporter & { readonly skipped: number } {
  const events: TraceEvent[] = [];
  let skipped = 0;
  const take = (batch: readonly TraceEvent[]) => {
    for (const event of batch) {
      if (events.length < maxEvents) events.push(event);
      else skipped++;
    }
  };
  const write = () => {
    if (skipped > 0) throw new Error(`${name}: ${skipped} events over maxEvents (${maxEvents}) were not rendered into ${path}`);
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, render(events));
    renameSync(temporary, path);
  };
  return {
    name,
    overload: 'sync',
    export: take,
    exportSync: take,
    flush: write,
    shutdown: write,
    get skipped() {
      return skipped;
    },
  };
}
