import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_DETECTORS, CREDENTIAL_DETECTORS, PII_DETECTORS, createScanner, type SecretScanner, type SecretSpan } from '../../src/redaction/scanner.js';
import type { Detector, DetectorName } from '../../src/redaction/detector.js';
import { assignmentDetector } from '../../src/redaction/detectors/assignment.js';
import { authSchemeDetector } from '../../src/redaction/detectors/auth-scheme.js';
import { awsDetector } from '../../src/redaction/detectors/aws.js';
import { cardDetector } from '../../src/redaction/detectors/card.js';
import { connectionStringDetector } from '../../src/redaction/detectors/connection-string.js';
import { emailDetector } from '../../src/redaction/detectors/email.js';
import { githubDetector } from '../../src/redaction/detectors/github.js';
import { googleDetector } from '../../src/redaction/detectors/google.js';
import { jwtDetector } from '../../src/redaction/detectors/jwt.js';
import { phoneDetector } from '../../src/redaction/detectors/phone.js';
import { privateKeyDetector } from '../../src/redaction/detectors/private-key.js';
import { anthropicDetector, openaiDetector } from '../../src/redaction/detectors/sk-keys.js';
import { slackDetector } from '../../src/redaction/detectors/slack.js';
import { stripeDetector } from '../../src/redaction/detectors/stripe.js';
import { urlDetector } from '../../src/redaction/detectors/url.js';
import { SHORT_TEXT } from '../../src/redaction/prefilter.js';
import { FRAGMENTS, fragmentText } from './fragments.js';

const mark = (secret: string, kind: string) => `<${kind}:${secret.length}>`;
const texts = (text: string, spans: readonly SecretSpan[]) => spans.map((s) => [text.slice(s.start, s.end), s.kind]);

describe('createScanner', () => {
  it('runs the credential detectors by default, PII only when asked', () => {
    expect([...CREDENTIAL_DETECTORS, ...PII_DETECTORS]).toEqual(ALL_DETECTORS);
    expect(new Set(ALL_DETECTORS).size).toBe(16);
    const text = 'key sk-abcdefghijklmnopqrstuvwxyz mail ada@example.com';
    expect(texts(text, createScanner().find(text))).toEqual([['sk-abcdefghijklmnopqrstuvwxyz', 'openai']]);
    expect(texts(text, createScanner({ detectors: ALL_DETECTORS }).find(text))).toEqual([
      ['sk-abcdefghijklmnopqrstuvwxyz', 'openai'],
      ['ada@example.com', 'email'],
    ]);
    expect(createScanner({ detectors: [] }).find(text)).toEqual([]);
    expect(createScanner({ detectors: [] }).mayHold(text)).toBe(false);
  });

  it('rejects an unknown detector name with the known ones', () => {
    expect(() => createScanner({ detectors: ['apiKey' as never] })).toThrow(/unknown detector "apiKey"; known: privateKey, jwt/);
  });

  it('merges overlapping spans into the earliest, whose kind it keeps', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sflKxwRJSMeKKF2QT4fwpM';
    const text = `Authorization: Bearer ${jwt} and "password": "a sk-abcdefghijklmnopqrstuvwxyz b"`;
    expect(texts(text, createScanner().find(text))).toEqual([
      [jwt, 'jwt'],
      ['a sk-abcdefghijklmnopqrstuvwxyz b', 'assignment'],
    ]);
  });

  it('redact replaces each span with replace(secret, kind), and returns the same string when there is none', () => {
    const scanner = createScanner({ detectors: ALL_DETECTORS });
    const clean = 'weather in lisbon for user 5, 2026-11-22';
    expect(scanner.redact(clean, mark)).toBe(clean);
    expect(scanner.redact('a ada@example.com b AKIAIOSFODNN7EXAMPLE c', mark)).toBe('a <email:15> b <aws:20> c');
    expect(() => scanner.redact('ada@example.com', () => { throw new Error('replacer bug'); })).toThrow('replacer bug');
  });

  it('user patterns keep their flags and name their spans', () => {
    const scanner = createScanner({
      detectors: [],
      patterns: [
        { name: 'order', regex: /ord-\d+/i },
        { name: 'line', regex: /^ticket \w+$/m },
        { name: 'dotall', regex: /<<.+>>/s },
        { name: 'global', regex: /zz/g },
      ],
    });
    const text = 'ORD-12 and ord-3\nticket abc\n<<a\nb>> zz';
    expect(texts(text, scanner.find(text))).toEqual([
      ['ORD-12', 'order'],
      ['ord-3', 'order'],
      ['ticket abc', 'line'],
      ['<<a\nb>>', 'dotall'],
      ['zz', 'global'],
    ]);
    // The caller's regex is not touched (its lastIndex stays).
    const mine = /x/g;
    mine.lastIndex = 5;
    createScanner({ patterns: [{ name: 'x', regex: mine }] }).find('xxxxxxxx');
    expect(mine.lastIndex).toBe(5);
  });

  it('a pattern that matches the empty string moves on (by code point with u) and finds only its non-empty matches', () => {
    expect(texts('axxbx', createScanner({ detectors: [], patterns: [{ name: 'x', regex: /x*/ }] }).find('axxbx'))).toEqual([
      ['xx', 'x'],
      ['x', 'x'],
    ]);
    expect(createScanner({ detectors: [], patterns: [{ name: 'e', regex: /(?:)/g }] }).find('abc')).toEqual([]);
    const emoji = '😀😀x';
    expect(texts(emoji, createScanner({ detectors: [], patterns: [{ name: 'x', regex: /x?/u }] }).find(emoji))).toEqual([['x', 'x']]);
    expect(createScanner({ detectors: [], patterns: [{ name: 'y', regex: /a?/y }] }).find('aab')).toEqual([
      { start: 0, end: 1, kind: 'y' },
      { start: 1, end: 2, kind: 'y' },
    ]);
  });

  it('a pattern that throws, reading it or running it, makes find and redact throw (callers fail closed)', () => {
    class Exploding extends RegExp {
      override exec(): RegExpExecArray | null {
        throw new Error('pattern bug');
      }
    }
    const running = createScanner({ patterns: [{ name: 'boom', regex: new Exploding('x') }] });
    expect(running.mayHold('anything')).toBe(true);
    expect(() => running.find('anything')).toThrow('pattern bug');
    expect(() => running.redact('anything', mark)).toThrow('pattern bug');
    const hostile = { get source(): string { throw new Error('getter bug'); }, flags: '' } as unknown as RegExp;
    const reading = createScanner({ patterns: [{ name: 'boom', regex: hostile }] });
    expect(() => reading.find('anything')).toThrow('getter bug');
    const revoked = Proxy.revocable(/x/, {});
    revoked.revoke();
    expect(() => createScanner({ patterns: [{ name: 'p', regex: revoked.proxy }] }).redact('x', mark)).toThrow(TypeError);
  });

  it('never throws on any string, and its spans are sorted, disjoint and inside the text', () => {
    const scanner = createScanner({ detectors: ALL_DETECTORS });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fragmentText), (text) => {
        const spans = scanner.find(text);
        let at = 0;
        for (const span of spans) {
          if (span.start < at || span.end <= span.start || span.end > text.length) return false;
          at = span.end;
        }
        return true;
      }),
      { numRuns: 3000, seed: 20261127 },
    );
  });
});

/** Every detector, run without the scanner's first look: the reference the gated scans must agree with. */
const RAW: Record<DetectorName, Detector> = {
  openai: openaiDetector, anthropic: anthropicDetector, aws: awsDetector, github: githubDetector, stripe: stripeDetector,
  slack: slackDetector, google: googleDetector, jwt: jwtDetector, authScheme: authSchemeDetector, privateKey: privateKeyDetector,
  url: urlDetector, connectionString: connectionStringDetector, assignment: assignmentDetector, email: emailDetector,
  card: cardDetector, phone: phoneDetector,
};

/** Which code units of `text` some span covers, as a string of 0s and 1s. */
function coverage(text: string, spans: Iterable<readonly [number, number]>): string {
  const covered = new Uint8Array(text.length);
  for (const [start, end] of spans) covered.fill(1, start, end);
  return covered.join('');
}

describe('the first look changes nothing: a scanner whose never-matching pattern turns it off is the reference', () => {
  // A user pattern that never matches turns the first look off without changing what is found.
  const withPrefilter = createScanner({ detectors: ALL_DETECTORS });
  const withoutPrefilter = createScanner({ detectors: ALL_DETECTORS, patterns: [{ name: 'never', regex: /(?!)/ }] });

  it('finds every kind of secret with the first look on, as the reference does', () => {
    const samples = [
      'mail ada@example.com now',
      'Authorization: Bearer abcdefgh12345678',
      'key sk-abcdefghijklmnopqrstuvwxyz',
      'aws AKIAABCDEFGHIJKLMNOP here',
      'gh ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'slack xoxb-1234567890-abc',
      'google AIzaSyA1234567890abcdefghijklmnopqrstuv',
      'jwt eyJhbGciOi.eyJzdWIiOi.signature12',
      'card 4111 1111 1111 1111',
      'call +351 912 345 678',
      'call (555) 123-4567',
      'call 555-123-4567',
    ];
    for (const text of samples) {
      const found = withPrefilter.redact(text, mark);
      expect(found).not.toBe(text);
      expect(found).toBe(withoutPrefilter.redact(text, mark));
    }
  });

  it('gives the same text with and without the first look on any string', () => {
    const piece = fc.constantFrom(
      '@', '.', '-', '_', '+', ' ', '(', ')', 'eyJ', 'Bearer ', 'bearer ', 'sk-', 'pk-', 'rk-', 'AKIA', 'ghp_', 'xoxb-', 'AIza',
      'abcdefgh', 'ABCDEFGH', 'example', 'com', '0', '1', '4', '7', '9', '123', '4567', '4111', '351', 'x',
    );
    const text = fc.oneof(fc.string({ maxLength: 60 }), fc.array(piece, { maxLength: 24 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(text, (t) => withPrefilter.redact(t, mark) === withoutPrefilter.redact(t, mark)),
      { numRuns: 50_000, seed: 20261124 },
    );
  });
});

describe('mayHold: the first look never hides a secret', () => {
  const withPrefilter = createScanner({ detectors: ALL_DETECTORS });

  it.each(ALL_DETECTORS)('%s: the gated scanner finds exactly what the detector finds alone', (name) => {
    const scanner = createScanner({ detectors: [name] });
    const piece = fc.constantFrom(...FRAGMENTS, 'abcdefgh', 'ABCDEFGH', 'bEaReR ', 'x', 'IOSFODNN7EXAMPLE', 'dXNlcjpwYXNz');
    const text = fc.oneof(fc.string({ maxLength: 60 }), fc.array(piece, { maxLength: 24 }).map((parts) => parts.join('')));
    // Each text as it is, and padded past SHORT_TEXT, so both first looks (regexes on short
    // texts, indexOf on long ones) and the gates after them are walked.
    const padding = ' the user asked about the forecast, '.repeat(Math.ceil(SHORT_TEXT / 36));
    fc.assert(
      fc.property(text, fc.boolean(), (short, padded) => {
        const t = padded ? padding + short : short;
        const raw: Array<[number, number]> = [];
        RAW[name].scan(t, (start, end) => raw.push([start, end]));
        const gated = scanner.find(t).map((s): [number, number] => [s.start, s.end]);
        return coverage(t, raw) === coverage(t, gated) && (raw.length === 0 || scanner.mayHold(t));
      }),
      { numRuns: 5000, seed: 20261124 },
    );
  });

  it('finds every kind of secret of the earlier detectors test with the first look on', () => {
    for (const text of [
      'mail ada@example.com now', 'Authorization: Bearer abcdefgh12345678', 'key sk-abcdefghijklmnopqrstuvwxyz', 'aws AKIAABCDEFGHIJKLMNOP here',
      'gh ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'slack xoxb-1234567890-abc', 'google AIzaSyA1234567890abcdefghijklmnopqrstuv',
      'jwt eyJhbGciOi.eyJzdWIiOi.signature12', 'card 4111 1111 1111 1111', 'bEaReR Zq1Zq1Zq1Zq1', 'pwd=x', 'call +351 912 345 678', 'call (555) 123-4567', 'call 555-123-4567',
    ]) {
      // short texts take one regex, long ones single-character indexOf: both must let each through
      for (const padded of [text, `${'the user asked about the forecast for the weekend '.repeat(2)}${text}`]) {
        expect(withPrefilter.mayHold(padded), padded).toBe(true);
        expect(withPrefilter.redact(padded, mark), padded).not.toBe(padded);
      }
    }
  });

  const cases: Array<[string, SecretScanner]> = [
    ['credential detectors', createScanner()],
    ['all detectors', withPrefilter],
    ...ALL_DETECTORS.map((name): [string, SecretScanner] => [name, createScanner({ detectors: [name] })]),
  ];
  it.each(cases)('%s: find(text) non-empty ⇒ mayHold(text)', (_, scanner) => {
    fc.assert(
      fc.property(fc.oneof(fragmentText, fc.string({ maxLength: 80 })), (text) => scanner.find(text).length === 0 || scanner.mayHold(text)),
      { numRuns: 3000, seed: 20261128 },
    );
  });

  it('says false on ordinary strings (so they skip every detector)', () => {
    const scanner = createScanner();
    for (const text of ['', 'ok', 'weather in lisbon for user 5', 'no personal data in this note at all', 'the user asked about the forecast for the coming weekend']) {
      expect(scanner.mayHold(text), text).toBe(false);
    }
  });

  it('says false on dates and ids, short and long: a J, an I, a _ or a : alone opens no detector', () => {
    const scanner = createScanner();
    const ids = [
      '2026-11-22T12:00:00.000001Z', 'order-2026-11-22-000481', '01JD3X9K2M4N5P6Q7R8S9T0V1W', '3f2b8c1e-9d4a-4e6b-a7c2-5b1d0e8f9a63',
      'shipped 2026-11-23 09:30, invoice INV-20261123-0042, ref A1B2-C3D4', 'order_id', 'tool_call_01JD3X9K2M', 'I think so',
    ];
    for (const text of [...ids, ids.join(' ')]) expect(scanner.mayHold(text), text).toBe(false);
  });
});
