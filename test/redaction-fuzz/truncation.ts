import fc from 'fast-check';
import { ownRequestId, type RunSpec } from './cases.js';
import { context } from './embeddings.js';
import type { Field } from './fields.js';
import type { FuzzCase } from './runner.js';
import { SECRETS, type Secret, type SecretKind } from './secrets.js';
import { FILLER_WORDS } from './vocabulary.js';

/**
 * Issue 15 §4: a cut (capture's `maxString`, a name's 256 characters, a `truncate({ maxBytes })`
 * placed before `redact()`) must never leave 4 or more characters of a secret. Each case puts
 * the secret right where the cut falls: `pad` + secret + the rest, with the pad `limit - k` long
 * so that the cut keeps exactly the first `k` characters of the secret, `k` drawn over the whole
 * secret (its public prefix included).
 */

export interface CutSpec extends Pick<RunSpec, 'run' | 'styles' | 'fields' | 'kinds' | 'perCell' | 'seed'> {
  /** Where the field's text is cut: characters (capture) or UTF-8 bytes (`truncate`). */
  readonly limit: (field: Field) => number;
  readonly unit: 'chars' | 'bytes';
}

const FILLER = FILLER_WORDS.join(' ') + ' ';

/** Prose of exactly `length` characters (or bytes: then some `é`, 2 bytes each), ending in a space. */
export function pad(length: number, unit: 'chars' | 'bytes', accents: number): string {
  if (length <= 0) return '';
  const twoByte = unit === 'bytes' ? Math.min(accents, Math.floor((length - 1) / 2)) : 0;
  const ascii = length - 1 - twoByte * 2;
  let text = '';
  while (text.length < ascii) text += FILLER;
  return 'é'.repeat(twoByte) + text.slice(0, ascii) + ' ';
}

export function buildCutCases(spec: CutSpec): FuzzCase[] {
  const total = spec.fields.length * spec.styles.length * spec.perCell;
  const contexts = fc.sample(context, { seed: spec.seed, numRuns: total });
  const pools = new Map<SecretKind, Secret[]>(
    spec.kinds.map((k, i) => [k, fc.sample(SECRETS[k], { seed: spec.seed + 101 * (i + 1), numRuns: Math.ceil(total / spec.kinds.length) + 1 })]),
  );
  const cases: FuzzCase[] = [];
  let n = 0;
  for (const field of spec.fields) {
    for (const style of spec.styles) {
      for (let i = 0; i < spec.perCell; i++, n++) {
        const kind = spec.kinds[n % spec.kinds.length]!;
        const secret = pools.get(kind)![Math.floor(n / spec.kinds.length)]!;
        const c = contexts[n]!;
        const limit = spec.limit(field);
        const k = 1 + (c.variant % Math.max(1, Math.min(secret.text.length - 1, limit - 1)));
        const text = pad(limit - k, spec.unit, c.depth * 3) + secret.text + c.close + c.after;
        const carrier = { type: 'text', text } as const;
        const placement = field.place(carrier, c);
        const requestId = placement.requestId ?? ownRequestId(spec.run);
        cases.push({ run: spec.run, style, field, secret, embedding: 'cut', carrier, requestId, placement, note: `cut after ${k} of ${secret.text.length} chars of the secret (at ${limit} ${spec.unit})` });
      }
    }
  }
  return cases;
}

/**
 * Every cut position of a few secrets of each kind: `k` from 1 to the secret's length - 1 (the
 * issue counted 177 of 364 positions leaving a prefix). One style, one field.
 */
export function buildSweepCases(spec: Omit<CutSpec, 'styles' | 'fields' | 'perCell'> & { style: string; field: Field; secretsPerKind: number }): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const [c] = fc.sample(context, { seed: spec.seed, numRuns: 1 });
  spec.kinds.forEach((kind, i) => {
    for (const secret of fc.sample(SECRETS[kind], { seed: spec.seed + 211 * (i + 1), numRuns: spec.secretsPerKind })) {
      const limit = spec.limit(spec.field);
      for (let k = 1; k < Math.min(secret.text.length, limit); k++) {
        const carrier = { type: 'text', text: pad(limit - k, spec.unit, k % 4) + secret.text + ' ' + c!.after } as const;
        const placement = spec.field.place(carrier, c!);
        cases.push({
          run: spec.run,
          style: spec.style,
          field: spec.field,
          secret,
          embedding: 'cut',
          carrier,
          requestId: placement.requestId ?? ownRequestId(spec.run),
          placement,
          note: `cut after ${k} of ${secret.text.length} chars of the secret (at ${limit} ${spec.unit})`,
        });
      }
    }
  });
  return cases;
}
