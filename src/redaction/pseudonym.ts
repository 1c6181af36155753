import { createHmac } from 'node:crypto';

/** RFC 4648 base32, lowercase: letters and 2–7, safe in file names and URLs on every system. */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** 20 characters × 5 bits = 100 bits: no two of a billion ids share a pseudonym (odds ≈ 4 × 10⁻¹³). */
const PSEUDONYM_CHARS = 20;

/**
 * A stable pseudonym of `text` under `salt`: `${prefix}-` followed by 20 lowercase base32
 * characters of HMAC-SHA256(salt, text). The same text and salt always give the same pseudonym,
 * so a request whose id holds a secret stays one request (`pseudonym(id, salt, 'req')` for every
 * event of it); a random salt per pipeline keeps pseudonyms from being looked up in a dictionary
 * of likely secrets. Nothing of `text` is in the output but by chance of the hash.
 *
 * Text and salt are hashed as UTF-16 code units, so every distinct string (lone surrogates
 * included, which UTF-8 would turn into the same U+FFFD) has its own pseudonym. Nothing is
 * cached: a few microseconds per call, linear in `text.length`.
 *
 * @param prefix what the pseudonym starts with, before a `-` (default `redacted`)
 * @example pseudonym('req-sk-proj-…', salt, 'req') // 'req-…' + 20 characters of [a-z2-7]
 */
export function pseudonym(text: string, salt: string, prefix = 'redacted'): string {
  const digest = createHmac('sha256', Buffer.from(salt, 'utf16le')).update(text, 'utf16le').digest();
  let out = `${prefix}-`;
  let bits = 0; // bits of `value` not yet written
  let value = 0;
  for (let byte = 0; out.length < prefix.length + 1 + PSEUDONYM_CHARS; ) {
    if (bits < 5) {
      value = ((value << 8) | digest[byte++]!) & 0xffff;
      bits += 8;
    }
    out += BASE32[(value >>> (bits - 5)) & 31];
    bits -= 5;
  }
  return out;
}
