/**
 * Child process: redact() with the default detectors on ≈ 200-byte payloads, ns per event; beside
 * it the peer, LangSmith's anonymizer with its default rules (`createSecretAnonymizer`), run on
 * each payload as LangSmith runs it on a run's inputs before upload. argv: <events> <reps>.
 */
import { from, lastValueFrom, map, count } from 'rxjs';
import type { TraceEvent } from '../../src/index.js';
import { redact } from '../../processors/index.js';
import { measure } from '../lib/stats.js';

const [eventsText, repsText] = process.argv.slice(2) as [string, string];
const n = Number(eventsText);
const events: TraceEvent[] = Array.from({ length: n }, (_, i) =>
  Object.freeze({
    event_id: `r-${i}`, request_id: 'r', kind: 'op_start', op_name: 'search', ctx: Object.freeze(['main', `search#${i}`]),
    timestamp: '2026-11-22T12:00:00.000001Z', seq: i,
    payload: Object.freeze({ inputs: Object.freeze({ query: `weather in lisbon for user ${i}`, limit: 3, session: `session-${i % 97}`, note: i % 10 === 0 ? 'contact ada@example.com' : 'no personal data in this note at all', context: 'the user asked about the forecast for the coming weekend' }) }),
  }) as TraceEvent,
);
const baseline = await measure(Number(repsText), n, () => lastValueFrom(from(events).pipe(map((e) => e), count())));
const redacted = await measure(Number(repsText), n, () => lastValueFrom(from(events).pipe(redact(), count())));
// Loaded after optrail's runs, so they run without the peer's module state.
const { createSecretAnonymizer } = await import('langsmith/anonymizer');
const anonymize = createSecretAnonymizer();
let kept = 0;
const peer = await measure(Number(repsText), n, () => {
  for (const event of events) if (anonymize(event.payload) !== undefined) kept++;
});
if (kept === 0) throw new Error('the anonymizer returned nothing');
process.stdout.write(JSON.stringify({ baseline, redacted, peer, payloadBytes: Math.round(events.reduce((sum, e) => sum + JSON.stringify(e.payload).length, 0) / events.length) }) + '\n');
