/**
 * Child process: what the secret scanner (src/redaction/scanner.ts) costs, issue 15 §6 and §7.
 * argv: <reps> <ordinary strings per rep>. Prints one JSON line of medians:
 *
 * - adversarial: per trigger family, a 1 MB string built to make detectors work hardest
 *   ('a@' repeated, 'eyJ' repeated, digits with separators, 'sk-' runs…), in ns per byte, for
 *   all detectors (`all`) and the credential set a pipeline runs by default (`credentials`);
 * - ordinary: ≈ 200-byte payload strings in ns per byte and ns per string: plain prose, and
 *   `ids` (ISO dates, ULIDs, UUIDs, order ids: it passes a naive digit-counting prefilter);
 * - mayHold: ns per string of the credential scanner's first look on the short strings of the
 *   redact case's payloads, and on the two ordinary strings.
 */
import { ALL_DETECTORS, createScanner } from '../../src/redaction/scanner.js';
import { summarize } from '../lib/stats.js';

const [repsText, stringsText] = process.argv.slice(2) as [string, string];
const reps = Number(repsText);
const strings = Number(stringsText);

const all = createScanner({ detectors: ALL_DETECTORS });
const credentials = createScanner();
let sink = 0;

/** Median ns per call of `body` over `n` calls, after a warm-up. */
function perCall(n: number, body: () => void): number {
  for (let i = 0; i < Math.min(n, 1000); i++) body();
  const values: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) body();
    values.push(Number(process.hrtime.bigint() - start) / n);
  }
  return summarize(values).median;
}

const MB = 2 ** 20;
const megabyte = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
const ADVERSARIAL: Record<string, string> = {
  email: megabyte('a@'),
  emailDots: megabyte('a.'),
  jwt: megabyte('eyJ'),
  jwtDots: megabyte('eyJabcdefgh.'),
  skKeys: megabyte('sk-'),
  underscoreKeys: megabyte('ghp_sk_live_'),
  aws: megabyte('AKIA'),
  authScheme: megabyte('Bearer '),
  privateKey: megabyte('-----BEGIN '),
  url: megabyte('://a:b'),
  assignment: megabyte('password='),
  separators: megabyte(':='),
  card: megabyte('4111 1111 '),
  phone: megabyte('555-123-'),
  digits: megabyte('1'),
  prose: megabyte('the user asked about the forecast for the coming weekend, and more. '),
};

const adversarial: Record<string, { all: number; credentials: number }> = {};
for (const [name, text] of Object.entries(ADVERSARIAL)) {
  const runs = Math.max(1, Math.ceil(reps / 2));
  const bytes = text.length;
  adversarial[name] = {
    all: perCall(runs, () => (sink += all.find(text).length)) / bytes,
    credentials: perCall(runs, () => (sink += credentials.find(text).length)) / bytes,
  };
}

const PROSE =
  'The user asked about the forecast for the coming weekend in Lisbon and whether it would rain on Saturday afternoon; the assistant answered with a short summary and a link to the source.';
const IDS =
  'order ORD-20261122-000481 placed 2026-11-22T12:00:00.000Z by 01JD3Q8Z5V6W7X8Y9Z0A1B2C3D, trace 3f2b1c4e-9a8d-4e7f-b6c5-1a2b3c4d5e6f, invoice 2026/11/000123, total 1249.90 EUR, ts 1764615600000';
const ordinary: Record<string, { bytes: number; allNsPerByte: number; credentialsNsPerByte: number; allNsPerString: number; credentialsNsPerString: number }> = {};
for (const [name, text] of Object.entries({ prose: PROSE, ids: IDS })) {
  const allNs = perCall(strings, () => (sink += all.find(text).length));
  const credentialNs = perCall(strings, () => (sink += credentials.find(text).length));
  ordinary[name] = { bytes: text.length, allNsPerByte: allNs / text.length, credentialsNsPerByte: credentialNs / text.length, allNsPerString: allNs, credentialsNsPerString: credentialNs };
}

// The strings of the redact case's payloads (bench/cases/redact.ts), keys included.
const PAYLOAD_STRINGS = ['query', 'weather in lisbon for user 5', 'session', 'session-5', 'note', 'no personal data in this note at all', 'context', 'the user asked about the forecast for the coming weekend', 'search', 'main'];
let next = 0;
const mayHold = {
  payloadStrings: perCall(strings, () => (sink += credentials.mayHold(PAYLOAD_STRINGS[next++ % PAYLOAD_STRINGS.length]!) ? 1 : 0)),
  prose: perCall(strings, () => (sink += credentials.mayHold(PROSE) ? 1 : 0)),
  ids: perCall(strings, () => (sink += credentials.mayHold(IDS) ? 1 : 0)),
  // which of them it lets through to the detectors
  passes: [...PAYLOAD_STRINGS, PROSE, IDS].filter((text) => credentials.mayHold(text)).length,
};

if (sink === -1) console.error(sink);
process.stdout.write(JSON.stringify({ adversarial, ordinary, mayHold }) + '\n');
