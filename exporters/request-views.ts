import type { Writable } from 'node:stream';
import type { TraceEvent } from '../schemas/trace-event.js';
import type { Exporter } from '../src/types.js';
import { ansi, plain, useColor, type Palette } from './views/colors.js';

/** Options of the tree, timeline and grouped exporters. */
export interface ViewExporterOptions {
  /** Where to write (default `process.stdout`). */
  stream?: Writable & { isTTY?: boolean; columns?: number };
  /** `text` (default) or `json` (the built view, one JSON document per rendering). */
  format?: 'text' | 'json';
  /** Colours: default on for a TTY, off otherwise; `NO_COLOR` and `FORCE_COLOR` are honoured. */
  color?: boolean;
  /** Events kept per request while it runs (default 100 000); past it, the request is rendered as it stands. */
  maxEventsPerRequest?: number;
}

/**
 * The machinery of the view exporters: events are kept per request until the request completes
 * (every op it started has ended) and rendered then; what is left is rendered at flush and at
 * shutdown (unfinished ops show as unfinished).
 */
export function requestViewExporter<V>(
  name: string,
  build: (events: readonly TraceEvent[]) => V[],
  renderText: (views: V[], options: { palette: Palette; width: number }) => string,
  options: ViewExporterOptions,
): Exporter {
  const stream = options.stream ?? process.stdout;
  const format = options.format ?? 'text';
  const palette = (options.color ?? useColor(stream)) ? ansi : plain;
  const maxEvents = options.maxEventsPerRequest ?? 100_000;
  const requests = new Map<string, { events: TraceEvent[]; open: number }>();

  const render = (events: readonly TraceEvent[]) => {
    const views = build(events);
    const text = format === 'json' ? JSON.stringify(views) + '\n' : renderText(views, { palette, width: stream.columns ?? 100 });
    stream.write(text + '\n');
  };
  const renderPending = () => {
    for (const [id, request] of requests) {
      requests.delete(id);
      render(request.events);
    }
  };
  const take = (batch: readonly TraceEvent[]) => {
    for (const event of batch) {
      let request = requests.get(event.request_id);
      if (!request) requests.set(event.request_id, (request = { events: [], open: 0 }));
      request.events.push(event);
      if (event.kind === 'op_start') request.open++;
      else if (event.kind === 'op_end') request.open--;
      if ((event.kind === 'op_end' && request.open <= 0) || request.events.length >= maxEvents) {
        requests.delete(event.request_id);
        render(request.events);
      }
    }
  };
  return { name, overload: 'sync', export: take, exportSync: take, flush: renderPending, shutdown: renderPending };
}
