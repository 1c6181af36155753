import { memoryExporter } from '../../exporters/memory.js';
import { createPipeline, serializeEvent, type PipelineOptions, type ShutdownReport, type TraceEvent } from '../../index.js';
import type { MediaStore } from '../../src/delivery/file-media-store.js';
import { isRequestEnd } from '../../src/wire/request-end.js';
import type { Carrier, Embedding } from './embeddings.js';
import type { Field, Placement } from './fields.js';
import { blankGenerated, LeakIndex, type Hit } from './leaks.js';
import type { Secret } from './secrets.js';

/** One generated payload: a secret, embedded one way, in one field, redacted in one style. */
export interface FuzzCase {
  readonly run: string;
  /** `full`, `partial`, `hash`, `indexed`, or `default` (no processor: the pipeline's own redaction). */
  readonly style: string;
  readonly field: Field;
  readonly secret: Secret;
  readonly embedding: Embedding | 'cut';
  readonly carrier: Carrier;
  /** The case's own request id (`fz-…`), or the carrier's when the field is the request id. */
  readonly requestId: string;
  readonly placement: Placement;
  /** Anything else worth printing (where a cut falls). */
  readonly note?: string;
}

/** A leak: a case's secret text found in an output line. */
export interface Leak {
  readonly fuzzCase: FuzzCase;
  readonly line: string;
  readonly hit: Hit;
  /** The line belongs to another case's request (text carried across requests). */
  readonly elsewhere: boolean;
}

/** What one batch produced. */
export interface BatchResult {
  readonly lines: string[];
  /** For each line, the index in the batch of the case whose request it belongs to. */
  readonly owners: Array<number | undefined>;
  readonly events: TraceEvent[];
  /** Things that went wrong besides leaks (events lost, a request split in two ids). */
  readonly problems: string[];
  /** The pipeline's shutdown report (metrics: counts of redacted and failed-closed events). */
  readonly report: ShutdownReport;
}

/** A media store that keeps nothing (recordMedia needs one; the bytes are not the point). */
export function nullMediaStore(): MediaStore {
  return { put: () => ({ handle: 'media-handle', written: Promise.resolve() }), putSync: () => 'media-handle', get: async () => undefined };
}

export const QUIET: PipelineOptions = { exitSafety: false, logger: false, batch: { maxEvents: 100_000, maxBytes: 1 << 30, maxAgeMs: 60_000 } };

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Runs one batch of cases through one pipeline: API cases one request each (in order, so each
 * request's events end with its end marker before the next starts), direct cases replayed.
 */
export async function runBatch(cases: readonly FuzzCase[], options: PipelineOptions): Promise<BatchResult> {
  const memory = memoryExporter();
  const pipeline = createPipeline({ ...QUIET, mediaStore: nullMediaStore(), ...options, exporters: [memory, ...(options.exporters ?? [])] });
  const problems: string[] = [];
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // fuzzError sets its own stack; a real one only costs time here
  const apiCases = cases.filter((c) => c.placement.act);
  const directCases = cases.filter((c) => !c.placement.act);
  try {
    for (const c of apiCases) {
      const { act, requestId, metadata } = c.placement;
      try {
        const result = pipeline.run(act!, { requestId: requestId ?? c.requestId, ...(metadata ? { metadata } : {}) });
        if (isThenable(result)) await Promise.resolve(result).catch(() => undefined);
      } catch {
        // the op's own error: the field under test
      }
    }
    await pipeline.flush();
    const apiEvents = memory.events.slice();
    memory.clear();
    const directInput = directCases.map((c) => c.placement.events!(c.requestId));
    if (directCases.length > 0) await pipeline.replay(directInput.flat());
    const directEvents = memory.events.slice();
    const report = await pipeline.shutdown();

    const lines: string[] = [];
    const owners: Array<number | undefined> = [];
    const events: TraceEvent[] = [];
    const indexOf = new Map(cases.map((c, i) => [c, i]));
    // API: a request's events end with its end marker.
    let k = 0;
    for (const event of apiEvents) {
      lines.push(serializeEvent(event));
      events.push(event);
      owners.push(k < apiCases.length ? indexOf.get(apiCases[k]!) : undefined);
      if (isRequestEnd(event)) k++;
    }
    if (k !== apiCases.length) problems.push(`${apiCases.length} requests ran but ${k} end markers came out`);
    // Direct: the same number of events per case as went in (redaction drops none).
    const expected = directInput.reduce((n, list) => n + list.length, 0);
    if (directEvents.length !== expected) problems.push(`${expected} events replayed but ${directEvents.length} came out`);
    let at = 0;
    directInput.forEach((list, i) => {
      for (let j = 0; j < list.length && at < directEvents.length; j++, at++) {
        lines.push(serializeEvent(directEvents[at]!));
        events.push(directEvents[at]!);
        owners.push(indexOf.get(directCases[i]!));
      }
    });
    for (; at < directEvents.length; at++) {
      lines.push(serializeEvent(directEvents[at]!));
      events.push(directEvents[at]!);
      owners.push(undefined);
    }
    return { lines, owners, events, problems, report };
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
}

/** The fuzz's own request ids, which the leak check blanks (`event_id` carries them too). */
export function knownIds(cases: readonly FuzzCase[]): Set<string> {
  return new Set(cases.filter((c) => c.placement.requestId === undefined && c.field.name !== 'direct.request.id').map((c) => c.requestId));
}

/** Every leak of the batch's secrets in its output lines. */
export function findLeaks(cases: readonly FuzzCase[], result: BatchResult): Leak[] {
  const index = new LeakIndex();
  cases.forEach((c, i) => index.add(i, c.secret.parts, c.secret.publicParts));
  const ids = knownIds(cases);
  const leaks: Leak[] = [];
  result.lines.forEach((line, lineIndex) => {
    const owner = result.owners[lineIndex];
    for (const hit of index.scan(blankGenerated(line, ids), lineIndex, line, owner)) {
      leaks.push({ fuzzCase: cases[hit.owner]!, line, hit, elsewhere: owner !== undefined && owner !== hit.owner });
    }
  });
  return leaks;
}

/**
 * Requests whose events do not share one request id (a request must stay one request, its id a
 * stable pseudonym on every event, end marker included).
 */
export function splitRequests(cases: readonly FuzzCase[], result: BatchResult): string[] {
  const idsOf = new Map<number, Set<string>>();
  result.owners.forEach((owner, i) => {
    if (owner === undefined) return;
    let ids = idsOf.get(owner);
    if (!ids) idsOf.set(owner, (ids = new Set()));
    ids.add(result.events[i]!.request_id);
  });
  const split: string[] = [];
  for (const [owner, ids] of idsOf) {
    if (ids.size > 1) split.push(`${cases[owner]!.field.name} (${cases[owner]!.style}): one request came out as ${ids.size} ids: ${[...ids].map((id) => JSON.stringify(id.slice(0, 60))).join(', ')}`);
  }
  return split;
}
