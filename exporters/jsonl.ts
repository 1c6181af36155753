import { DEFAULT_JSONL_GZIP_LEVEL, DEFAULT_JSONL_MAX_OPEN_FILES } from '../src/base/defaults.js';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { JsonlExporterOptionsSchema, JsonlTargetSchema, parseOptions } from '../schemas/options.js';
import { BoundedMap } from '../src/base/bounded-map.js';
import { JsonlFile } from '../src/delivery/jsonl-file.js';
import { encodeBatch } from '../src/wire/serialize.js';
import type { TraceEvent } from '../schemas/trace-event.js';
import type { Exporter } from '../src/pipeline/exporter-types.js';

/** Where `jsonlExporter` writes: one file, or one file per request in a directory. */
export type JsonlTarget = { path: string } | { dir: string };

/** Options of `jsonlExporter`. */
export interface JsonlExporterOptions {
  /** gzip the output (default `false`; `dir` files then end in `.jsonl.gz`). */
  gzip?: boolean;
  /** zlib level 1–9 (default `DEFAULT_JSONL_GZIP_LEVEL`, 6). Compression runs in libuv's threadpool, off the main thread. */
  gzipLevel?: number;
  /** Start a new part (`trace.1.jsonl`, `trace.2.jsonl`, …) past this many bytes (default: never). */
  rotateBytes?: number;
  /** `dir` mode: most files kept open at once; the least recently used is closed (default `DEFAULT_JSONL_MAX_OPEN_FILES`, 64). */
  maxOpenFiles?: number;
  /** Name in metrics (default `jsonl`). */
  name?: string;
}

/** A JSON Lines exporter; `paths()` lists the files written so far (in `dir` mode, the most recent 10,000). */
export interface JsonlExporter extends Exporter {
  /** The files written so far, oldest first (in `dir` mode, the most recent 10,000). */
  paths(): string[];
  /** `lostEvents`: events a compressed write lost after `export()` returned (also counted as lost in the pipeline's reports). */
  stats(): { lostEvents: number };
}

/** Paths `paths()` remembers in `dir` mode (one per request: bounded so memory is). */
const MAX_LISTED_PATHS = 10_000;

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The file name of a request in `dir` mode. Ids that are not plain names (slashes, `..`, odd
 * characters, very long) are cleaned and given a hash suffix, so no request id can name a path
 * outside the directory or collide with another id.
 */
export function requestFileName(requestId: string): string {
  if (SAFE_NAME.test(requestId) && !requestId.includes('..')) return requestId;
  const cleaned = requestId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/\.{2,}/g, '_').replace(/^[._-]+/, '').slice(0, 100);
  const hash = createHash('sha256').update(requestId).digest('hex').slice(0, 12);
  return `${cleaned || 'request'}-${hash}`;
}

/**
 * Writes events as JSON Lines in the wire format, one line per event.
 *
 * - `{ path }`: every event into one file (`.gz` name or `gzip: true` to compress).
 * - `{ dir }`: `<dir>/<request_id>.jsonl[.gz]`, one file per request.
 *
 * Plain files only ever get whole batches of whole lines, so a killed process leaves at most a
 * torn last line. Gzip output is a series of gzip members (one per batch), which every gzip
 * reader reads as one stream. Under memory pressure and at exit the pipeline calls
 * `exportSync`, which writes at once.
 *
 * @example
 * jsonlExporter({ dir: 'traces' }, { gzip: true })
 */
export function jsonlExporter(target: JsonlTarget, options: JsonlExporterOptions = {}): JsonlExporter {
  parseOptions(JsonlTargetSchema, target, 'jsonlExporter target');
  const opts = parseOptions(JsonlExporterOptionsSchema, options, 'jsonlExporter');
  // Events a gzip write lost after export() had returned: counted, so every report shows them.
  let lostEvents = 0;
  const fileOptions = { gzip: opts.gzip ?? false, gzipLevel: opts.gzipLevel ?? DEFAULT_JSONL_GZIP_LEVEL, rotateBytes: opts.rotateBytes, onLost: (n: number) => void (lostEvents += n) };
  const stats = () => ({ lostEvents });
  const name = opts.name ?? 'jsonl';

  if ('path' in target) {
    const file = new JsonlFile(resolve(target.path), fileOptions);
    return {
      name,
      overload: 'sync',
      export: (batch) => file.append(encodeBatch(batch)),
      exportSync: (batch) => file.appendSync(encodeBatch(batch)),
      flush: () => file.flush(),
      shutdown: async () => {
        await file.flush();
        file.close();
      },
      paths: () => [...file.paths],
      stats,
    };
  }

  const dir = resolve(target.dir);
  const extension = fileOptions.gzip ? '.jsonl.gz' : '.jsonl';
  const maxOpen = opts.maxOpenFiles ?? DEFAULT_JSONL_MAX_OPEN_FILES;
  // In least-recently-used order: past `maxOpen` the one used longest ago is closed.
  const open = new BoundedMap<string, JsonlFile>(maxOpen, (_requestId, file) => file.close());
  const written = new BoundedMap<string, true>(MAX_LISTED_PATHS);

  function fileFor(requestId: string): JsonlFile {
    let file = open.get(requestId);
    if (file) {
      open.delete(requestId);
      open.set(requestId, file);
      return file;
    }
    const path = join(dir, requestFileName(requestId) + extension);
    if (!path.startsWith(dir + sep)) throw new Error(`request id ${JSON.stringify(requestId)} would leave ${dir}`);
    file = new JsonlFile(path, fileOptions);
    open.set(requestId, file);
    written.set(path, true);
    return file;
  }

  return {
    name,
    overload: 'sync',
    export(batch) {
      const waits: Promise<void>[] = [];
      for (const [requestId, events] of byRequest(batch)) {
        const wait = fileFor(requestId).append(encodeBatch(events));
        if (wait) waits.push(wait);
      }
      return waits.length > 0 ? Promise.all(waits).then(() => undefined) : undefined;
    },
    exportSync(batch) {
      for (const [requestId, events] of byRequest(batch)) fileFor(requestId).appendSync(encodeBatch(events));
    },
    async flush() {
      await Promise.all([...open.values()].map((file) => file.flush()));
    },
    async shutdown() {
      await Promise.all([...open.values()].map((file) => file.flush()));
      for (const file of open.values()) file.close();
      open.clear();
    },
    // Only files that were made: a directory that cannot be created leaves none.
    paths: () => [...written.keys()].filter((path) => existsSync(path)),
    stats,
  };
}

/** Events grouped by request id, keeping stream order within each and first-seen order across them. */
function byRequest(events: Iterable<TraceEvent>): Map<string, TraceEvent[]> {
  const map = new Map<string, TraceEvent[]>();
  for (const event of events) {
    const list = map.get(event.request_id);
    if (list) list.push(event);
    else map.set(event.request_id, [event]);
  }
  return map;
}
