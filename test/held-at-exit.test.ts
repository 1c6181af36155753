import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { readEvents } from '../src/read/read-events.js';
import { startChild } from './child-process.js';
import { tempDir } from './helpers.js';

async function readBack(path: string) {
  return lastValueFrom(readEvents(path).pipe(toArray()));
}

const modes = [
  ['exit', 'process.exit()'],
  ['uncaught', 'an uncaught exception'],
  ['SIGTERM', 'SIGTERM'],
  ['SIGINT', 'SIGINT'],
  ['natural', 'the program just ending'],
] as const;

describe('events held by a processor reach the file at every exit path', () => {
  for (const processor of ['reorder', 'tailSample', 'groupBy']) {
    for (const [mode, what] of modes) {
      it(`${processor}, ${what}: 0 lost`, async () => {
        const out = join(tempDir(), 'trace.jsonl');
        const signal = mode === 'SIGTERM' || mode === 'SIGINT' ? mode : undefined;
        const { child, firstLine, exited } = startChild('test/children/held-child.ts', [out, processor, signal ? 'signal' : mode]);
        const line = await firstLine;
        const recorded = Number(/^recorded (\d+)$/.exec(line)![1]);
        expect(recorded).toBe(1003); // 501 op_start, 501 op_end (one an error), the op_start of forever
        if (signal) child.kill(signal);
        const result = await exited;
        if (signal) expect(result.signal).toBe(signal);
        else expect(result.code).toBe(mode === 'uncaught' ? 1 : 0);
        const events = await readBack(out);
        const ids = new Set(events.map((e) => e.event_id));
        const missing = Array.from({ length: recorded }, (_, seq) => `in-flight-${seq}`).filter((id) => !ids.has(id));
        expect(missing).toEqual([]);
        if (processor === 'reorder') {
          // Released in order.
          expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
        }
        if (processor === 'groupBy') {
          expect(events.at(-1)).toMatchObject({ kind: 'group_end', payload: { status: 'truncated' } });
        }
      });
    }
  }
});
