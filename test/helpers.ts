import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryExporter } from '../exporters/memory.js';
import { createPipeline, type PipelineOptions } from '../src/pipeline/pipeline.js';
import { isRequestEnd } from '../src/wire/request-end.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';

/** A pipeline with a memory exporter, no exit hooks and no stderr logging. */
export function tracer(options: PipelineOptions = {}) {
  const memory = memoryExporter();
  const pipeline = createPipeline({
    exitSafety: false,
    logger: false,
    ...options,
    exporters: [memory, ...(options.exporters ?? [])],
  });
  return {
    memory,
    pipeline,
    /** What the traced program recorded: every event but the requests' end markers (test/request-end.test.ts checks those). */
    async events(): Promise<readonly TraceEvent[]> {
      await pipeline.flush();
      return memory.events.filter((event) => !isRequestEnd(event));
    },
    /** The whole stream, end markers included. */
    async stream(): Promise<readonly TraceEvent[]> {
      await pipeline.flush();
      return memory.events;
    },
  };
}

/** `kind op ctx` per event: the shape of a sequence at a glance. */
export function outline(events: readonly TraceEvent[]): string[] {
  return events.map((e) => `${e.kind} ${e.op_name ?? '-'} ${e.ctx.join('/')}`);
}

/** The payload with its timing removed, for exact comparisons. */
export function payloadOf(event: TraceEvent): Record<string, unknown> {
  const { duration_ms: _ignored, ...rest } = event.payload as Record<string, unknown>;
  return rest;
}

export function tempDir(prefix = 'optrail-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Resolves after pending I/O callbacks and immediates have run (no timers involved). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
