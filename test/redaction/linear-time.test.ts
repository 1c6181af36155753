import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanWork, type DetectorName } from '../../src/redaction/detector.js';
import { ALL_DETECTORS, createScanner } from '../../src/redaction/scanner.js';
import { safeCutEnd } from '../../src/redaction/safe-cut.js';
import { FRAGMENTS, fragmentText } from './fragments.js';

// Linear time, proven without a clock: every built-in detector counts what it examines in
// scanWork.steps (each character read, each indexOf's distance, each call), and the count must
// stay within STEPS_PER_CHAR times the text's length on any text, adversarial ones included (the
// worst seen is ≈ 11, card on `555-555-…`). A detector that re-read a run from each position in
// it would take hundreds of steps per character on the 4,000-character texts below.
const STEPS_PER_CHAR = 16;
/** The same bound for every detector at once. */
const ALL_STEPS_PER_CHAR = STEPS_PER_CHAR * 16;

/** The steps find() takes on `text` with `detectors`. */
function stepsOf(detectors: readonly DetectorName[], text: string): number {
  const scanner = createScanner({ detectors });
  scanWork.steps = 0;
  scanner.find(text);
  return scanWork.steps;
}

describe('linear time: steps stay within a constant times the length', () => {
  it.each(ALL_DETECTORS)('%s, on every pair of trigger fragments repeated to 4,000 characters', (name) => {
    const worst = { ratio: 0, text: '' };
    for (const first of FRAGMENTS) {
      for (const second of FRAGMENTS) {
        const unit = first + second;
        const text = unit.repeat(Math.ceil(4000 / unit.length));
        const ratio = stepsOf([name], text) / text.length;
        if (ratio > worst.ratio) Object.assign(worst, { ratio, text: unit });
      }
    }
    expect(worst.ratio, `worst on ${JSON.stringify(worst.text)} repeated`).toBeLessThanOrEqual(STEPS_PER_CHAR);
  });

  it.each([...ALL_DETECTORS.map((name) => [name] as const), ['all detectors'] as const])('%s, on any string built from trigger fragments', (name) => {
    const all = name === 'all detectors';
    const detectors = all ? ALL_DETECTORS : [name as DetectorName];
    const bound = all ? ALL_STEPS_PER_CHAR : STEPS_PER_CHAR;
    fc.assert(
      fc.property(fragmentText, (text) => stepsOf(detectors, text) <= bound * (text.length + 1)),
      { numRuns: all ? 1500 : 400, seed: 20261125 },
    );
  });

  it('safeCutEnd, at any cut of such strings', () => {
    fc.assert(
      fc.property(fragmentText, fc.nat(), (text, at) => {
        scanWork.steps = 0;
        safeCutEnd(text, at % (text.length + 1));
        return scanWork.steps <= 2 * ALL_STEPS_PER_CHAR * (text.length + 1);
      }),
      { numRuns: 500, seed: 20261126 },
    );
  });
});

/** 1 MB (in UTF-16 code units) of `unit` repeated, then `tail`. */
const megabyte = (unit: string, tail = '') => unit.repeat(Math.ceil(2 ** 20 / unit.length)) + tail;

/** [detector, adversarial text, the secrets it must find in it]. */
const ADVERSARIAL: Array<[DetectorName, string, string[]]> = [
  ['email', megabyte('a@', ' ada@example.com'), ['ada@example.com']],
  ['email', megabyte('a.', '@example.com'), [megabyte('a.', '@example.com')]],
  ['jwt', megabyte('eyJ', ' eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0.'), ['eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0.']],
  ['jwt', megabyte('eyJabc.'), []],
  ['jwt', megabyte('eyJabcdefgh'), []],
  ['openai', megabyte('sk-', ' sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t'), ['sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t']],
  ['anthropic', megabyte('sk-ant-'), []],
  ['aws', megabyte('AKIA'), [megabyte('AKIA')]],
  ['aws', megabyte('AKIA-'), []],
  ['aws', megabyte('AKIAIOSFODNN7EXAMPLE ').slice(0, 2 ** 20 - 1), Array.from({ length: Math.floor((2 ** 20 - 1) / 21) }, () => 'AKIAIOSFODNN7EXAMPLE')],
  ['github', megabyte('ghp_'), []],
  ['stripe', megabyte('sk_live_'), []],
  ['slack', megabyte('xoxb-'), [megabyte('xoxb-').slice(0)]],
  ['google', megabyte('AIza'), [megabyte('AIza')]],
  ['authScheme', megabyte('Bearer '), []],
  ['authScheme', megabyte('basic b'), []],
  ['privateKey', megabyte('-----BEGIN '), []],
  ['url', megabyte('://'), []],
  ['url', megabyte('?key='), [megabyte('?key=').slice(5)]],
  ['url', megabyte('&pages='), []],
  ['connectionString', megabyte('Password='), []],
  ['connectionString', megabyte('redis://'), []],
  ['assignment', megabyte('password='), [megabyte('password=').slice(9)]],
  ['assignment', megabyte('password:\n'), []],
  ['assignment', `password="${megabyte('a')}`, [megabyte('a')]],
  ['assignment', megabyte(':'), []],
  ['card', megabyte('4111 '), []],
  ['card', megabyte('1'), []],
  ['phone', megabyte('+1 '), []],
  ['phone', megabyte('555-'), []],
];

describe('each detector over 1 MB adversarial strings', () => {
  it.each(ADVERSARIAL.map(([name, text, want], i) => ({ i, name, text, want })))('$name #$i', ({ name, text, want }) => {
    scanWork.steps = 0;
    const spans = createScanner({ detectors: [name] }).find(text);
    expect(spans.map((span) => text.slice(span.start, span.end))).toEqual(want);
    expect(scanWork.steps).toBeLessThanOrEqual(STEPS_PER_CHAR * text.length);
  });
});
