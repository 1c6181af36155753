/**
 * Shared by the redact() tests: running the processor with a recording reporter, the leak check
 * (docs: a leak is the secret's text, or 4+ consecutive characters of its random part, anywhere
 * in the serialized output) and the output checks every test makes (valid wire format, frozen).
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { expect } from 'vitest';
import { redact, type RedactOptions } from '../../processors/redact.js';
import { TraceEventSchema } from '../../schemas/trace-event.js';
import { reportingTo } from '../../src/pipeline/processor-reporter.js';
import { serializeEvent } from '../../src/wire/serialize.js';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';
import { recordingReporter } from './marbles.js';

/**
 * Runs `events` through `redact(options)`; returns what came out and the reporter's counts. The
 * events are deep-frozen first, as capture makes them (a hostile one that throws is left as it is).
 */
export async function runRedact(events: readonly TraceEvent[], options: RedactOptions = {}) {
  for (const e of events) {
    try {
      freezeAll(e);
    } catch {
      // a getter or Proxy trap: the test is about that event
    }
  }
  const reporter = recordingReporter();
  const out = await lastValueFrom(from(events).pipe(reportingTo(redact(options), reporter), toArray()));
  return { out, counts: reporter.counts };
}

/** Freezes a JSON value and everything in it, also below parts already frozen (`ev` freezes two levels). */
function freezeAll(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  Object.freeze(value);
  for (const item of Object.values(value)) freezeAll(item);
}

/** A secret planted in a test: its whole text and the part of it that is not a public prefix. */
export interface Planted {
  text: string;
  /** Default: the whole text. */
  random?: string;
}

/** The secrets of `planted` found in `text`: the whole secret, or a 4-character run of its random part. */
export function leaksIn(text: string, planted: readonly Planted[]): string[] {
  const found: string[] = [];
  for (const secret of planted) {
    const random = secret.random ?? secret.text;
    if (text.includes(secret.text)) {
      found.push(secret.text);
      continue;
    }
    for (let i = 0; i + 4 <= random.length; i++) {
      const run = random.slice(i, i + 4);
      if (text.includes(run)) {
        found.push(`${secret.text} (run ${JSON.stringify(run)})`);
        break;
      }
    }
  }
  return found;
}

/** Every leak of `planted` in the serialized `events`, one line each (event id and what leaked). */
export function leaks(events: readonly TraceEvent[], planted: readonly Planted[]): string[] {
  return events.flatMap((e) => leaksIn(serializeEvent(e), planted).map((what) => `${e.kind}#${e.seq}: ${what}`));
}

function isDeepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (!Object.isFrozen(value)) return false;
  return Object.values(value).every(isDeepFrozen);
}

/** Every output event is valid wire format and deeply frozen. */
export function expectWellFormed(events: readonly TraceEvent[]): void {
  for (const e of events) {
    const parsed = TraceEventSchema.safeParse(e);
    expect(parsed.success, `${e.kind}#${e.seq} ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`).toBe(true);
    expect(isDeepFrozen(e), `${e.kind}#${e.seq} frozen`).toBe(true);
  }
}
