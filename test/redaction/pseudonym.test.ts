import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pseudonym } from '../../src/redaction/pseudonym.js';

/** RFC 4648 base32 of the first 100 bits, written the slow, obvious way: bits as text, 5 at a time. */
function expected(text: string, salt: string, prefix: string): string {
  const digest = createHmac('sha256', Buffer.from(salt, 'utf16le')).update(Buffer.from(text, 'utf16le')).digest();
  const bits = [...digest].map((byte) => byte.toString(2).padStart(8, '0')).join('').slice(0, 100);
  const chars = bits.match(/.{5}/g)!.map((five) => 'abcdefghijklmnopqrstuvwxyz234567'[parseInt(five, 2)]);
  return `${prefix}-${chars.join('')}`;
}

describe('pseudonym: a stable stand-in for a text that holds a secret', () => {
  it('is the prefix and 20 lowercase base32 characters of HMAC-SHA256(salt, text)', () => {
    // Exact bytes: a pseudonym names request files, so it must not change between versions.
    expect(pseudonym('req-sk-proj-abc', 'pipeline-salt', 'req')).toBe('req-asas64jphl2vqu4jt74a');
    expect(pseudonym('', '')).toBe('redacted-wyjwpgqictm6y5zpsxlx');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), fc.constantFrom('redacted', 'req', 'x', ''), (text, salt, prefix) =>
        pseudonym(text, salt, prefix) === expected(text, salt, prefix),
      ),
      { numRuns: 2000 },
    );
  });

  it('defaults to the prefix "redacted", and has only file-name-safe characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (text, salt) =>
        /^redacted-[a-z2-7]{20}$/.test(pseudonym(text, salt)) && /^req-[a-z2-7]{20}$/.test(pseudonym(text, salt, 'req')),
      ),
      { numRuns: 2000 },
    );
  });

  it('gives the same text and salt the same pseudonym, and different salts different ones', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (text, salt, other) => {
        fc.pre(salt !== other);
        return pseudonym(text, salt) === pseudonym(text, salt) && pseudonym(text, salt) !== pseudonym(text, other);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives different texts different pseudonyms, lone surrogates included (UTF-8 would merge them)', () => {
    const texts = ['\ud800', '\udbff', '\udc00', '\ufffd', 'a\ud800', 'a\udfff', 'req-1', 'req-1 ', 'REQ-1'];
    expect(new Set(texts.map((t) => pseudonym(t, 'salt'))).size).toBe(texts.length);
    expect(new Set(texts.map((t) => pseudonym('req-1', t))).size).toBe(texts.length);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        fc.pre(a !== b);
        return pseudonym(a, 'salt') !== pseudonym(b, 'salt');
      }),
      { numRuns: 2000 },
    );
  });

  it('never contains the text it stands for', () => {
    const secretLike = fc.oneof(
      fc.string({ unit: 'binary', minLength: 12 }),
      fc.stringMatching(/^(sk-proj-|ghp_|AKIA)[a-z2-7]{12,40}$/),
      fc.stringMatching(/^[a-z2-7]{12,40}$/),
    );
    fc.assert(
      fc.property(secretLike, fc.string(), (secret, salt) => !pseudonym(secret, salt).includes(secret)),
      { numRuns: 5000 },
    );
  });

  it('takes a 4 MB text', () => {
    const huge = 'sk-'.padEnd(4 * 1024 * 1024, 'x');
    expect(pseudonym(huge, 'salt')).toBe(expected(huge, 'salt', 'redacted'));
  });
});
