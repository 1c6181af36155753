import fc from 'fast-check';
import { context, embed, embeddingsFor, type Context } from './embeddings.js';
import type { Field } from './fields.js';
import type { FuzzCase } from './runner.js';
import { SECRETS, type Secret, type SecretKind } from './secrets.js';

/**
 * Builds the cases of a run, reproducibly from one seed: every field gets the same number of
 * cases in every style; kinds and embeddings go round-robin over what the field takes, so every
 * field × kind × embedding is covered; the secrets and their surroundings are drawn by fast-check.
 */

/** A pool of secrets of one kind, sampled once (one fast-check sample per kind, seeded). */
class SecretPools {
  private readonly pools = new Map<string, { items: Secret[]; next: number }>();
  constructor(private readonly seed: number) {}

  /** Reserves `count` secrets of `key` (`card#number`: cards that are exact JS numbers). */
  take(key: string, count: number): Secret[] {
    let pool = this.pools.get(key);
    if (!pool || pool.next + count > pool.items.length) {
      const kind = key.split('#')[0] as SecretKind;
      const arb = key.endsWith('#number') ? SECRETS[kind].filter((s) => s.asNumber !== undefined) : SECRETS[kind];
      const offset = [...key].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) | 0, 7);
      const items = fc.sample(arb, { seed: (this.seed ^ offset) + (pool?.items.length ?? 0), numRuns: Math.max(count, 256) });
      pool = { items, next: 0 };
      this.pools.set(key, pool);
    }
    const out = pool.items.slice(pool.next, pool.next + count);
    pool.next += count;
    return out;
  }
}

/** Kinds a field receives, weighted: keyed fields get the keyed family half the time. */
function kindsFor(field: Field, kinds: readonly SecretKind[]): string[] {
  if (field.carrier === 'number') return kinds.includes('card') ? ['card#number'] : [];
  if (field.carrier === 'keyed') {
    const others = kinds.filter((k) => k !== 'keyed');
    return kinds.includes('keyed') ? [...others.map(() => 'keyed'), ...others] : others;
  }
  return [...kinds];
}

export interface RunSpec {
  readonly run: string;
  readonly styles: readonly string[];
  readonly fields: readonly Field[];
  readonly kinds: readonly SecretKind[];
  /** Cases per field and style. */
  readonly perCell: number;
  readonly seed: number;
  /** Changes each drawn secret before it is embedded (the harness's control run replaces its text). */
  readonly mapSecret?: (secret: Secret) => Secret;
}

let idCounter = 0;
/** A request id of the fuzz's own (letters and digits only, blanked by the leak check). */
export function ownRequestId(run: string): string {
  return `fz-${run}-${(idCounter++).toString(36)}`;
}

/** Every (field, style) cell's cases, `perCell` each. */
export function buildCases(spec: RunSpec): FuzzCase[] {
  const pools = new SecretPools(spec.seed);
  const contexts = fc.sample(context, { seed: spec.seed, numRuns: spec.fields.length * spec.styles.length * spec.perCell });
  const cases: FuzzCase[] = [];
  let n = 0;
  spec.fields.forEach((field, f) => {
    const kinds = kindsFor(field, spec.kinds);
    if (kinds.length === 0) return;
    for (const style of spec.styles) {
      const counts = new Map<string, number>();
      for (let i = 0; i < spec.perCell; i++) counts.set(kinds[(i + f) % kinds.length]!, (counts.get(kinds[(i + f) % kinds.length]!) ?? 0) + 1);
      const drawn = new Map([...counts].map(([k, count]) => [k, pools.take(k, count)]));
      const used = new Map<string, number>();
      for (let i = 0; i < spec.perCell; i++) {
        const key = kinds[(i + f) % kinds.length]!;
        const u = used.get(key) ?? 0;
        used.set(key, u + 1);
        const drawnSecret = drawn.get(key)![u]!;
        const secret = spec.mapSecret ? spec.mapSecret(drawnSecret) : drawnSecret;
        const c: Context = contexts[n++ % contexts.length]!;
        const embeddings = embeddingsFor(secret, field.carrier);
        if (embeddings.length === 0) continue;
        const embedding = embeddings[Math.floor(i / kinds.length) % embeddings.length]!;
        const carrier = embed(secret, embedding, c);
        const placement = field.place(carrier, c);
        const requestId = placement.requestId ?? (field.name === 'direct.request.id' && carrier.type === 'text' ? carrier.text : ownRequestId(spec.run));
        cases.push({ run: spec.run, style, field, secret, embedding, carrier, requestId, placement });
      }
    }
  });
  return cases;
}

/** Splits cases into batches of at most `size`, one style per batch (one pipeline each). */
export function batches(cases: readonly FuzzCase[], size: number): FuzzCase[][] {
  const byStyle = new Map<string, FuzzCase[]>();
  for (const c of cases) {
    let list = byStyle.get(c.style);
    if (!list) byStyle.set(c.style, (list = []));
    list.push(c);
  }
  const out: FuzzCase[][] = [];
  for (const list of byStyle.values()) for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
