import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { truncateUtf8 } from '../../processors/truncate.js';
import { boundString } from '../../src/recording/bounded-text.js';
import { passesLuhn } from '../../src/redaction/scanner.js';
import { ALL_DETECTORS, createScanner } from '../../src/redaction/scanner.js';
import { safeCutEnd } from '../../src/redaction/safe-cut.js';

// Issue 15 §4: a cut (capture's bound, truncate) must never keep 4 or more characters of a
// secret. The cut moves back to the start of any secret it would fall in.

const scanner = createScanner({ detectors: ALL_DETECTORS });
const chars = (alphabet: string, min: number, max: number) => fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = `${ALNUM}+/`;
const body = (min: number, max: number) => chars(ALNUM, min, max);
const base64 = (text: string) => Buffer.from(text).toString('base64');
const luhn = fc.tuple(fc.constantFrom('4', '5', '3', '6', '0'), chars('0123456789', 14, 14)).map(([first, rest]) => {
  for (let check = 0; check < 10; check++) if (passesLuhn(first + rest + check)) return first + rest + check;
  throw new Error('unreachable');
});

/** One secret of each kind the detectors find, with random parts. */
const secret = fc.oneof(
  body(24, 60).map((b) => `sk-proj-${b}`),
  body(40, 90).map((b) => `sk-ant-api03-${b}AA`),
  chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16).map((b) => `AKIA${b}`),
  fc.tuple(chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16), chars(B64, 40, 40)).map(([id, key]) => `ASIA${id} ${key}`),
  chars(B64, 40, 40).map((key) => `aws_secret_access_key=${key}`),
  body(36, 36).map((b) => `ghp_${b}`),
  body(70, 82).map((b) => `github_pat_${b}`),
  body(24, 40).map((b) => `sk_live_${b}`),
  body(24, 40).map((b) => `xoxb-1234-${b}`),
  chars(`${ALNUM}-_`, 35, 35).map((b) => `AIza${b}`),
  fc.tuple(body(10, 40), body(10, 80), body(20, 43)).map(([h, p, s]) => `eyJ${h}.eyJ${p}.${s}`),
  fc.tuple(body(10, 40), body(10, 80)).map(([h, p]) => `eyJ${h}.eyJ${p}.`),
  body(16, 60).map((b) => `Authorization: Bearer ${b}1`),
  fc.tuple(body(3, 10), body(6, 20)).map(([u, p]) => `authorization: basic ${base64(`${u}:${p}`)}`),
  chars(`${B64}\n`, 100, 600).map((b) => `-----BEGIN RSA PRIVATE KEY-----\n${b}\n-----END RSA PRIVATE KEY-----`),
  chars(`${B64}\n`, 100, 600).map((b) => `-----BEGIN PRIVATE KEY-----\n${b}`),
  fc.tuple(body(3, 10), body(8, 20)).map(([u, p]) => `https://${u}:${p}@host.example/x`),
  body(8, 30).map((t) => `https://api.example/cb?x=1&access_token=${t}&y=2`),
  fc.tuple(body(3, 10), body(8, 20)).map(([u, p]) => `postgres://${u}:${p}@db.internal:5432/app`),
  body(8, 30).map((p) => `Server=tcp:x;User Id=sa;Password=${p} ${p};Encrypt=true`),
  body(8, 30).map((p) => `password=${p}`),
  body(8, 30).map((p) => `{"api_key": "${p} ${p}"}`),
  fc.tuple(body(3, 12), body(3, 12)).map(([u, d]) => `${u}.x@${d}.example.com`),
  luhn.map((c) => c.replace(/(\d{4})(?=\d)/g, '$1 ')),
  luhn.map((c) => c.replace(/(\d{4})(?=\d)/g, '$1-')),
  luhn.filter((c) => c[0] !== '0').map((c) => c),
  chars('0123456789', 3, 3).map((d) => `+351 912 ${d} 678`),
  chars('0123456789', 4, 4).map((d) => `(555) 123-${d}`),
);
const words = fc.array(fc.constantFrom('the', 'é', '😀', 'user', 'a', 'said:', 'x', '\n', 'then'), { maxLength: 6 }).map((w) => w.join(' '));
const holding = fc.tuple(words, secret, words).map(([before, s, after]) => `${before} ${s} ${after}`);

/**
 * True when no secret of the whole text has `cut` inside it or at its end: a kept secret keeps
 * the character after it too (the `@` that makes `user:password` userinfo), so it is still found.
 */
function keepsNoPart(text: string, cut: number): boolean {
  return scanner.find(text).every((span) => cut <= span.start || cut > span.end);
}

describe('safeCutEnd: a cut never falls inside a secret', () => {
  it('at every position of texts that hold each kind of secret, the secret is found and no cut falls inside it', () => {
    fc.assert(
      fc.property(holding, (text) => {
        if (scanner.find(text).length === 0) return false; // every generated secret is one the detectors find
        expect(safeCutEnd(text, text.length)).toBe(text.length); // nothing to cut
        for (let end = 0; end < text.length; end++) {
          const cut = safeCutEnd(text, end);
          if (cut > end || !keepsNoPart(text, cut)) return false;
        }
        return true;
      }),
      { numRuns: 400, seed: 20261129 },
    );
  });

  it('moves back only as far as the secret start, and leaves cuts outside secrets alone', () => {
    const text = 'key sk-abcdefghijklmnopqrstuvwxyz1 end';
    expect(safeCutEnd(text, 10)).toBe(4);
    expect(safeCutEnd(text, 4)).toBe(4);
    expect(safeCutEnd(text, 3)).toBe(3);
    expect(safeCutEnd(text, 34)).toBe(4);
    expect(safeCutEnd(text, 35)).toBe(35);
    // a userinfo cut before its `@` would no longer be one
    const url = 'see https://deploy:s3cr3t@10.0.0.5:5432/x';
    expect(safeCutEnd(url, url.indexOf('@'))).toBe(url.indexOf('deploy'));
    expect(safeCutEnd(url, url.indexOf('@') + 1)).toBe(url.indexOf('@') + 1);
    expect(safeCutEnd(text, 1000)).toBe(text.length);
    expect(safeCutEnd(text, -5)).toBe(0);
  });

  it('follows secrets longer than its window: a 200 KB token, a PEM block cut 50 KB in, a card after 5,000 characters of prose', () => {
    const token = `sk-${'Ab1'.repeat(70_000)}`;
    expect(safeCutEnd(`prefix ${token} suffix`, 150_000)).toBe(7);
    const pem = `x -----BEGIN OPENSSH PRIVATE KEY-----\n${'QUJD\n'.repeat(20_000)}`;
    expect(safeCutEnd(pem, 50_000)).toBe(2);
    const card = `${'lorem ipsum '.repeat(420)}4111 1111 1111 1111 end`;
    expect(safeCutEnd(card, card.indexOf('4111') + 12)).toBe(card.indexOf('4111'));
    const jwt = `${'x'.repeat(9000)} eyJhbGciOiJIUzI1NiJ9.eyJ${'a'.repeat(40_000)}.sig`;
    expect(safeCutEnd(jwt, 9100)).toBe(9001);
  });
});

describe('boundString and truncateUtf8 cut before a secret, never inside it', () => {
  const secretText = (cutText: string) => cutText.slice(0, cutText.lastIndexOf('…[truncated'));

  it('boundString at every length', () => {
    fc.assert(
      fc.property(holding, (text) => {
        for (let max = 0; max < text.length; max++) {
          const out = boundString(text, max);
          const kept = secretText(out);
          if (kept.length > max || !text.startsWith(kept) || !keepsNoPart(text, kept.length)) return false;
          if (out !== `${kept}…[truncated ${text.length - kept.length} chars]`) return false;
        }
        return true;
      }),
      { numRuns: 150, seed: 20261130 },
    );
  });

  it('truncateUtf8 at every byte budget, counting the bytes it removed', () => {
    fc.assert(
      fc.property(holding, (text) => {
        const bytes = Buffer.byteLength(text);
        for (let max = 1; max < bytes; max++) {
          const out = truncateUtf8(text, max);
          const kept = secretText(out);
          if (Buffer.byteLength(kept) > max || !text.startsWith(kept) || !keepsNoPart(text, kept.length)) return false;
          if (out !== `${kept}…[truncated ${bytes - Buffer.byteLength(kept)} bytes]`) return false;
        }
        return true;
      }),
      { numRuns: 150, seed: 20261131 },
    );
  });

  it('a card cut at its 15th digit keeps none of it (today 15 of 16 digits survived)', () => {
    const text = 'pay with 4111 1111 1111 1111 today';
    expect(boundString(text, 27)).toBe('pay with …[truncated 25 chars]');
    expect(truncateUtf8(text, 27)).toBe('pay with …[truncated 25 bytes]');
    expect(boundString('short', 10)).toBe('short');
  });
});
