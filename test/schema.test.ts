import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceEventJsonSchema } from '../schemas/json-schema.js';
import { EVENT_KINDS, TraceEventSchema } from '../schemas/trace-event.js';

const root = join(import.meta.dirname, '..');

describe('schemas', () => {
  it('the shipped JSON Schema is exactly what the zod schemas generate (run `npm run schema:json` after changing them)', () => {
    const shipped = readFileSync(join(root, 'schemas', 'trace-event.schema.json'), 'utf8');
    expect(shipped).toBe(JSON.stringify(traceEventJsonSchema(), null, 2) + '\n');
  });

  it('the JSON Schema names all eight kinds', () => {
    const text = JSON.stringify(traceEventJsonSchema());
    for (const kind of EVENT_KINDS) expect(text).toContain(`"const":"${kind}"`);
  });

  it('the wire-format examples parse, and wrong ones fail on the right field', () => {
    const lines = readFileSync(join(root, 'test', 'fixtures', 'optrail-example.jsonl'), 'utf8').trim().split('\n');
    for (const line of lines) expect(TraceEventSchema.safeParse(JSON.parse(line)).success).toBe(true);
    const bad = JSON.parse(lines[0]!);
    bad.timestamp = '2026-11-22 12:00:00';
    bad.seq = -1;
    const result = TraceEventSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(['timestamp', 'seq']);
  });

  it('the package exports the JSON Schema file', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.exports['./wire-format.schema.json']).toBe('./schemas/trace-event.schema.json');
    expect(pkg.files).toContain('schemas/trace-event.schema.json');
  });
});
