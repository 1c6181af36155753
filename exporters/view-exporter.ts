import { DEFAULT_TEXT_WIDTH, DEFAULT_VIEW_MAX_EVENTS_PER_REQUEST } from '../src/base/defaults.js';
import type { Writable } from 'node:stream';
import type { TraceEvent } from '../schemas/trace-event.js';
import { isRequestEnd, RequestCompletion } from '../src/wire/request-end.js';
import type { Exporter } from '../src/pipeline/exporter-types.js';
import { ansi, plain, useColor, type Palette } from '../views/colors.js';

/** Options of the tree, timeline and grouped exporters. */
export interface ViewExporterOptions {
  /** Where to write (default `process.stdout`). */
  stream?: Writable & { isTTY?: boolean; columns?: number };
  /** `text` (default) or `json` (the built view, one JSON document per rendering). */
  format?: 'text' | 'json';
  /** Colours: default on for a TTY, off otherwise; `NO_COLOR` and `FORCE_COLOR` are honoured. */
  color?: boolean;
  /** Events kept per request while it runs (default `DEFAULT_VIEW_MAX_EVENTS_PER_REQUEST`, 100 000); past it, the request is rendered as it stands. */
  maxEventsPerRequest?: number;
}

/** Events held for one request until it completes; `late` for events of a request rendered before. */
interface HeldRequest {
  events: TraceEvent[];
  late: boolean;
}

/**
 * The machinery of the view exporters: events are kept per request until the request is
 * complete (its end marker; see `RequestCompletion`) and rendered then; what is left is rendered
 * at shutdown (unfinished ops show as unfinished), and at flush too for streams without end
 * markers, which complete there. Late events of a request rendered before are rendered as its
 * continuation, labelled with the request id, never as a new request.
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
  const maxEvents = options.maxEventsPerRequest ?? DEFAULT_VIEW_MAX_EVENTS_PER_REQUEST;
  const requests = new Map<string, HeldRequest>();
  const completion = new RequestCompletion();

  const render = (requestId: string, request: HeldRequest) => {
    requests.delete(requestId);
    completion.complete(requestId, true);
    const views = build(request.events);
    let text: string;
    if (format === 'json') {
      text = JSON.stringify(request.late ? views.map((view) => ({ ...view, late: true })) : views) + '\n';
    } else {
      text = renderText(views, { palette, width: stream.columns ?? DEFAULT_TEXT_WIDTH });
      if (request.late) text = palette.dim(`… late events of request ${requestId}, which completed earlier:`) + '\n' + text;
    }
    stream.write(text + '\n');
  };
  // Streams that mark requests' ends complete them at their markers: a flush then leaves running
  // requests alone (rendering them would split them). Streams without markers (operonx, older
  // files) end at a flush, which is how a replay ends.
  let sawMarker = false;
  const renderPending = () => {
    for (const [requestId, request] of requests) render(requestId, request);
  };
  const flush = () => {
    if (!sawMarker) renderPending();
  };
  const take = (batch: readonly TraceEvent[]) => {
    for (const event of batch) {
      const requestId = event.request_id;
      let request = requests.get(requestId);
      if (!request) requests.set(requestId, (request = { events: [], late: completion.phase(event) === 'late' }));
      request.events.push(event);
      const ends = isRequestEnd(event);
      sawMarker ||= ends;
      if (ends || request.events.length >= maxEvents) render(requestId, request);
    }
  };
  return { name, overload: 'sync', export: take, exportSync: take, flush, shutdown: renderPending };
}
