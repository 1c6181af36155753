import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ALL_DETECTORS, createScanner, passesLuhn } from '../../src/redaction/scanner.js';

// Every kind of secret, glued to any text on either side (issue 15 §3: "also when glued to
// preceding letters, where \b fails"), leaves no 4 consecutive characters of its random part
// once redacted by all detectors. (The cross-field fuzz of every event field is
// test/redaction-fuzz.test.ts.)

const scanner = createScanner({ detectors: ALL_DETECTORS });
const chars = (alphabet: string, min: number, max: number) => fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const body = (min: number, max: number) => chars(ALNUM, min, max);
const luhn = fc.tuple(fc.constantFrom('2', '3', '4', '5', '6'), chars('0123456789', 14, 14)).map(([first, rest]) => {
  for (let check = 0; check < 10; check++) if (passesLuhn(first + rest + check)) return first + rest + check;
  throw new Error('unreachable');
});

/** A secret: its text and its random parts (what must not survive, 4 characters of it). */
type Secret = { text: string; random: string[]; digitsAround?: boolean };
const s = (text: string, ...random: string[]): Secret => ({ text, random });
const secret: fc.Arbitrary<Secret> = fc.oneof(
  body(24, 60).map((b) => s(`sk-proj-${b}`, b)),
  body(40, 60).map((b) => s(`sk-ant-api03-${b}`, b)),
  chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16).map((b) => s(`AKIA${b}`, b)),
  fc.tuple(chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16), chars(`${ALNUM}+/`, 40, 40)).map(([id, key]) => s(`ASIA${id} ${key}`, id, key)),
  body(36, 36).map((b) => s(`ghp_${b}`, b)),
  body(36, 36).map((b) => s(`gho_${b}`, b)),
  body(60, 82).map((b) => s(`github_pat_${b}`, b)),
  body(24, 40).map((b) => s(`sk_live_${b}`, b)),
  body(24, 40).map((b) => s(`rk_live_${b}`, b)),
  body(20, 40).map((b) => s(`xoxp-1234-5678-${b}`, b)),
  chars(`${ALNUM}-_`, 35, 35).map((b) => s(`AIza${b}`, b)),
  fc.tuple(body(10, 40), body(10, 80), body(20, 43)).map(([h, p, sig]) => s(`eyJ${h}.eyJ${p}.${sig}`, h, p, sig)),
  fc.tuple(body(10, 40), body(10, 80)).map(([h, p]) => s(`eyJ${h}.eyJ${p}.`, h, p)),
  fc.tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR'), body(20, 60)).map(([scheme, b]) => s(`${scheme} ${b}`, b)),
  fc.tuple(fc.constantFrom('Basic', 'basic', 'BASIC'), body(3, 10), body(8, 20)).map(([scheme, u, p]) => {
    const credential = Buffer.from(`${u}:${p}`).toString('base64');
    return s(`Authorization: ${scheme} ${credential}`, credential);
  }),
  chars(`${ALNUM}+/\n`, 64, 400).map((b) => s(`-----BEGIN RSA PRIVATE KEY-----\n${b}\n-----END RSA PRIVATE KEY-----`, ...b.split('\n'))),
  chars(`${ALNUM}+/`, 64, 400).map((b) => s(`-----BEGIN OPENSSH PRIVATE KEY-----\n${b}`, b)),
  fc.tuple(body(4, 10), body(8, 20)).map(([u, p]) => s(`https://${u}:${p}@host.example/x`, p)),
  fc.tuple(fc.constantFrom('access_token', 'X-Amz-Signature', 'sig', 'api_key', 'apikey', 'client_secret', 'password', 'token', 'key', 'code'), body(8, 30)).map(([name, v]) => s(`https://h.example/cb?a=1&${name}=${v}&b=2`, v)),
  fc.tuple(fc.constantFrom('postgres', 'postgresql', 'mysql', 'mongodb+srv', 'redis', 'amqp'), body(4, 10), body(8, 20)).map(([scheme, u, p]) => s(`${scheme}://${u}:${p}@db.internal:5432/app`, p)),
  body(8, 20).map((p) => s(`redis://:${p}@cache:6379`, p)),
  body(8, 30).map((p) => s(`Server=tcp:x,1433;User Id=sa;Password=${p};Encrypt=true`, p)),
  body(40, 60).map((k) => s(`DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${k}==;EndpointSuffix=core.windows.net`, k)),
  fc.tuple(fc.constantFrom('password', 'passwd', 'pwd', 'secret', 'token', 'api_key', 'DB_PASSWORD', 'x-api-key', 'client_secret', 'auth_token'), fc.constantFrom('=', ': ', ' = ', '='), body(8, 30)).map(([name, sep, v]) => s(`${name}${sep}${v}`, v)),
  fc.tuple(fc.constantFrom('password', 'api_key', 'secret', 'access_token'), body(8, 30)).map(([name, v]) => s(`{"${name}": "${v}"}`, v)),
  fc.tuple(body(3, 12), body(3, 12)).map(([u, d]) => s(`${u}.${d}@${d}.example.com`, u, d)),
  luhn.map((c) => ({ ...s(c.replace(/(\d{4})(?=\d)/g, '$1 '), c.slice(0, 4), c.slice(4, 8), c.slice(8, 12), c.slice(12)), digitsAround: true })),
  luhn.map((c) => ({ ...s(c.replace(/(\d{4})(?=\d)/g, '$1-'), c.slice(0, 4), c.slice(4, 8), c.slice(8, 12), c.slice(12)), digitsAround: true })),
  luhn.map((c) => ({ ...s(c, c), digitsAround: true })),
  chars('0123456789', 7, 7).map((d) => ({ ...s(`+351 91${d.slice(0, 1)} ${d.slice(1, 4)} ${d.slice(4)}`, d.slice(1, 4) + ' ' + d.slice(4)), digitsAround: true })),
  chars('0123456789', 7, 7).map((d) => ({ ...s(`(555) ${d.slice(0, 3)}-${d.slice(3)}`, `${d.slice(0, 3)}-${d.slice(3)}`), digitsAround: true })),
  chars('0123456789', 7, 7).map((d) => ({ ...s(`555.${d.slice(0, 3)}.${d.slice(3)}`, `${d.slice(0, 3)}.${d.slice(3)}`), digitsAround: true })),
);
const glue = ['', ' ', 'x', 'token', 'a1', '"', "'", '(', '[', '{', ':', '=', '\n', 'é', '😀', '-', '_', '.', '/', ',', ';', '<', '>', '|'];
const digitsGlue = glue.filter((g) => !/[0-9.\-+(]/.test(g));

describe('every kind of secret, glued to any text, leaves none of its random part', () => {
  it('4 consecutive characters of a random part never survive', () => {
    fc.assert(
      fc.property(secret, fc.constantFrom(...glue), fc.constantFrom(...glue), (sec, before, after) => {
        const left = sec.digitsAround && !digitsGlue.includes(before) ? ' ' : before;
        const right = sec.digitsAround && !digitsGlue.includes(after) ? ' ' : after;
        const out = scanner.redact(`said ${left}${sec.text}${right} then`, () => '<r>');
        for (const part of sec.random) {
          for (let i = 0; i + 4 <= part.length; i++) {
            const piece = part.slice(i, i + 4);
            if (piece.includes('\n') || /^[ .\-]/.test(piece) || `said ${left}\u0000${right} then`.includes(piece)) continue;
            if (out.includes(piece)) throw new Error(`${JSON.stringify(piece)} survived in ${JSON.stringify(out)}`);
          }
        }
      }),
      { numRuns: 20_000, seed: 20261201 },
    );
  });
});
