/**
 * Child process: redact() with the default detectors on ≈ 200-byte payloads, ns per event; beside
 * it the peer, LangSmith's anonymizer with its default rules (`createSecretAnonymizer`), run on
 * each payload as LangSmith runs it on a run's inputs before upload; and the floor: what any
 * redaction of these events must do at least, measured the same way (every string value given one
 * regex test, the `session` value replaced, the event, its payload and its inputs copied frozen).
 * argv: <events> <reps>.
 */
import { from, lastValueFrom, map, count } from 'rxjs';
import type { TraceEvent } from '../../index.js';
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
// The floor: one precompiled class test per string (no detector, no key rule, no names), and
// the frozen copies every event needs since its `session` is a secret.
const ANY_SECRET_CHAR = /[_IJ@:=]|sk-|-----/;
let tested = 0;
const floor = await measure(Number(repsText), n, () =>
  lastValueFrom(
    from(events).pipe(
      map((event) => {
        const inputs = (event.payload as { inputs: Record<string, unknown> }).inputs;
        for (const key in inputs) {
          const value = inputs[key];
          if (typeof value === 'string' && ANY_SECRET_CHAR.test(value)) tested++;
        }
        return Object.freeze({ ...event, payload: Object.freeze({ inputs: Object.freeze({ ...inputs, session: '<redacted>' }) }) });
      }),
      count(),
    ),
  ),
);
if (tested < 0) throw new Error('unreachable');
// Loaded after optrail's runs, so they run without the peer's module state.
const { createSecretAnonymizer } = await import('langsmith/anonymizer');
const anonymize = createSecretAnonymizer();
let kept = 0;
const peer = await measure(Number(repsText), n, () => {
  for (const event of events) if (anonymize(event.payload) !== undefined) kept++;
});
if (kept === 0) throw new Error('the anonymizer returned nothing');
process.stdout.write(JSON.stringify({ baseline, redacted, floor, peer, payloadBytes: Math.round(events.reduce((sum, e) => sum + JSON.stringify(e.payload).length, 0) / events.length) }) + '\n');
