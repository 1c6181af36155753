import type { TraceEvent } from '../schemas/trace-event.js';
import { validateEvent } from '../src/wire/validation.js';

/** What one NDJSON body holds: its valid events in order, and how many lines were not events. */
export interface ParsedBatch {
  events: TraceEvent[];
  invalid: number;
}

/**
 * Parses an NDJSON body line by line (blank lines ignored). Walks the text with `indexOf`
 * instead of `split`, so a body of a million short lines does not become an array of them.
 */
export function parseBatch(body: Buffer): ParsedBatch {
  const text = body.toString('utf8');
  const events: TraceEvent[] = [];
  let invalid = 0;
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      invalid++;
      continue;
    }
    // Validation and freezing walk the value: a line nested deeper than the stack allows is one
    // invalid line, not a failed request.
    let checked: ReturnType<typeof validateEvent>;
    try {
      checked = validateEvent(value);
    } catch {
      invalid++;
      continue;
    }
    if (checked.ok) events.push(checked.event);
    else invalid++;
  }
  return { events, invalid };
}
