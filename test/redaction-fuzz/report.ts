import { describeCarrier } from './embeddings.js';
import type { FuzzCase, Leak } from './runner.js';

/**
 * Counts of one run (payloads per field × style, leaked payloads per field, kind and embedding)
 * and the failure message: the first leaks in full, then the tables.
 */
export class Tally {
  readonly payloads = new Map<string, Map<string, number>>();
  readonly leakedCases = new Set<FuzzCase>();
  readonly leaks: Leak[] = [];
  readonly problems: string[] = [];
  readonly styles = new Set<string>();
  readonly kindPayloads = new Map<string, number>();

  constructor(readonly title: string) {}

  count(cases: readonly FuzzCase[]): void {
    for (const c of cases) {
      this.styles.add(c.style);
      let row = this.payloads.get(c.field.name);
      if (!row) this.payloads.set(c.field.name, (row = new Map()));
      row.set(c.style, (row.get(c.style) ?? 0) + 1);
      this.kindPayloads.set(c.secret.kind, (this.kindPayloads.get(c.secret.kind) ?? 0) + 1);
    }
  }

  add(leaks: readonly Leak[], problems: readonly string[] = []): void {
    for (const leak of leaks) {
      this.leaks.push(leak);
      this.leakedCases.add(leak.fuzzCase);
    }
    this.problems.push(...problems);
  }

  get total(): number {
    let n = 0;
    for (const row of this.payloads.values()) for (const v of row.values()) n += v;
    return n;
  }

  /** Leaked payloads grouped by `key`. */
  private leakedBy(key: (c: FuzzCase) => string): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.leakedCases) out.set(key(c), (out.get(key(c)) ?? 0) + 1);
    return out;
  }

  summary(): string {
    const styles = [...this.styles];
    const leakedByFieldStyle = this.leakedBy((c) => `${c.field.name}\u0000${c.style}`);
    const rows = [['field', ...styles.map((s) => `${s} (leaked)`)]];
    for (const [field, row] of this.payloads) {
      rows.push([field, ...styles.map((s) => (row.has(s) ? `${row.get(s)} (${leakedByFieldStyle.get(`${field}\u0000${s}`) ?? 0})` : '-'))]);
    }
    const byKind = this.leakedBy((c) => c.secret.kind);
    const kindRows = [['kind', 'payloads', 'leaked'], ...[...this.kindPayloads].map(([k, n]) => [k, String(n), String(byKind.get(k) ?? 0)])];
    const byEmbedding = this.leakedBy((c) => c.embedding);
    return [
      `${this.title}: ${this.total} payloads, ${this.leakedCases.size} leaked (${this.leaks.length} leaking lines)`,
      table(rows),
      table(kindRows),
      `leaked payloads by embedding: ${[...byEmbedding].map(([e, n]) => `${e} ${n}`).join(', ') || 'none'}`,
      ...(this.problems.length > 0 ? [`other problems (${this.problems.length}):`, ...unique(this.problems).slice(0, 10).map((p) => `  ${p}`)] : []),
    ].join('\n');
  }

  /** The failure message: the first `n` leaks (distinct field × kind first), then the summary. */
  failure(n = 5): string {
    const seen = new Set<string>();
    const first: Leak[] = [];
    for (const leak of this.leaks) {
      const key = `${leak.fuzzCase.field.name} ${leak.fuzzCase.secret.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      first.push(leak);
      if (first.length === n) break;
    }
    return [...first.map(describeLeak), this.summary()].join('\n\n');
  }
}

export function describeLeak(leak: Leak): string {
  const c = leak.fuzzCase;
  const { line, hit } = leak;
  const from = Math.max(0, hit.at - 160);
  const excerpt = (from > 0 ? '…' : '') + line.slice(from, hit.at + hit.length + 160) + (hit.at + hit.length + 160 < line.length ? '…' : '');
  return [
    `LEAK field=${c.field.name} style=${c.style} kind=${c.secret.kind} embedding=${c.embedding}${c.note ? ` ${c.note}` : ''}${leak.elsewhere ? ' (in another request\'s event)' : ''}`,
    `  secret: ${JSON.stringify(c.secret.text).slice(0, 300)}`,
    `  input:  ${describeCarrier(c.carrier).slice(0, 400)}`,
    `  leaked: ${JSON.stringify(hit.text)} (${hit.length} chars)`,
    `  output: ${excerpt}`,
  ].join('\n');
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}
