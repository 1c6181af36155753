import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { traceEventJsonSchema } from './json-schema.js';

/** Regenerates schemas/trace-event.schema.json from the zod schemas (`npm run schema:json`). */
const target = fileURLToPath(new URL('./trace-event.schema.json', import.meta.url));
writeFileSync(target, JSON.stringify(traceEventJsonSchema(), null, 2) + '\n');
console.log(`wrote ${target}`);
