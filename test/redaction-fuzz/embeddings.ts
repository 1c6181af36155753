import fc from 'fast-check';
import type { Secret } from './secrets.js';
import { BENIGN_KEYS, FILLER_WORDS, GLUE_PREFIXES, SECRET_KEY_NAMES } from './vocabulary.js';

/**
 * How a secret sits in what is recorded (issue 15 §3 and §2):
 * - `whole`: the value is the secret;
 * - `prose`: words, a separator, the secret, a separator, words;
 * - `glued`: letters right before it (`xsk-…`, `tokenAKIA…`: no word boundary), then prose;
 * - `json`: JSON text inside a string (`'{"note":"…","v":"sk-…"}'`);
 * - `json-keyed`: JSON text inside a string whose key is a secret key name (`'{"x-api-key":"hunter2x"}'`);
 * - `keyed`: a structure's value under a secret key name (`{ db_password: 'hunter2x' }`), as a
 *   string, an object or an array holding it;
 * - `number`: a card number as a JS number.
 */
export type Embedding = 'whole' | 'prose' | 'glued' | 'json' | 'json-keyed' | 'keyed' | 'number';

/** What a field receives: a string holding the secret, a value under a secret key, or a card as a number. */
export type Carrier =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'keyed'; readonly key: string; readonly value: unknown }
  | { readonly type: 'number'; readonly value: number };

export type CarrierType = Carrier['type'];

/** The random choices around one secret: words, separators, key names, depth, variants. */
export interface Context {
  readonly before: string;
  readonly after: string;
  readonly open: string;
  readonly close: string;
  readonly glue: string;
  readonly secretKey: string;
  readonly benignKey: string;
  /** How deep a field nests the carrier (0: at the top of its payload). */
  readonly depth: number;
  /** A field's own variant (which part of an error, which header shape…). */
  readonly variant: number;
  /** Keyed: the value as a string (0), inside an object (1) or an array (2). */
  readonly wrap: number;
  readonly seed: number;
}

const words = fc.array(fc.constantFrom(...FILLER_WORDS), { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));

export const context: fc.Arbitrary<Context> = fc.record({
  before: words,
  after: words,
  // What comes before a secret in prose, and what ends it (never a character a token may hold).
  open: fc.constantFrom(' ', ': ', ', ', '\n', '\t', ' (', ' "', " '", ' <', ' ['),
  close: fc.constantFrom(' ', '. ', ', ', '\n', ') ', '" ', "' ", '> ', '] ', '; '),
  glue: fc.constantFrom(...GLUE_PREFIXES),
  secretKey: fc.constantFrom(...SECRET_KEY_NAMES),
  benignKey: fc.constantFrom(...BENIGN_KEYS),
  depth: fc.integer({ min: 0, max: 6 }),
  variant: fc.nat({ max: 1000 }),
  wrap: fc.integer({ min: 0, max: 2 }),
  seed: fc.noBias(fc.nat()),
});

/** The embeddings a secret of this family may take in a field that takes `carrier`. */
export function embeddingsFor(secret: Secret, carrier: CarrierType): readonly Embedding[] {
  if (carrier === 'number') return secret.asNumber === undefined ? [] : ['number'];
  if (carrier === 'keyed') return ['keyed'];
  return secret.family === 'keyed' ? ['json-keyed'] : ['whole', 'prose', 'glued', 'json'];
}

function wrapped(text: string, wrap: number): unknown {
  return wrap === 1 ? { value: text } : wrap === 2 ? [text] : text;
}

/** The carrier of `secret` embedded as `embedding`. */
export function embed(secret: Secret, embedding: Embedding, c: Context): Carrier {
  const s = secret.text;
  switch (embedding) {
    case 'whole':
      return { type: 'text', text: s };
    case 'prose':
      return { type: 'text', text: `${c.before}${c.open}${s}${c.close}${c.after}` };
    case 'glued':
      return { type: 'text', text: `${c.glue}${s}${c.close}${c.after}` };
    case 'json':
      return { type: 'text', text: JSON.stringify({ [c.benignKey]: c.before, v: s }) };
    case 'json-keyed':
      return { type: 'text', text: JSON.stringify({ [c.benignKey]: c.before, [c.secretKey]: s }) };
    case 'keyed':
      return { type: 'keyed', key: c.secretKey, value: wrapped(s, c.wrap) };
    case 'number':
      return { type: 'number', value: secret.asNumber! };
  }
}

/** A short description of a carrier for failure messages. */
export function describeCarrier(carrier: Carrier): string {
  switch (carrier.type) {
    case 'text':
      return JSON.stringify(carrier.text);
    case 'keyed':
      return `${JSON.stringify(carrier.key)}: ${JSON.stringify(carrier.value)}`;
    case 'number':
      return `number ${carrier.value}`;
  }
}
