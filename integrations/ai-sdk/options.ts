import { z } from 'zod';
import { parseOptions } from '../../schemas/options.js';

/**
 * `OptrailTelemetryOptions`, parsed by `optrailTelemetry`. (It belongs in schemas/options.ts with
 * every other options schema; kept here until that file takes it.)
 */
export const OptrailTelemetryOptionsSchema = z.strictObject({
  maxOpenCalls: z.number().int().positive().optional(),
});

/** The options of `optrailTelemetry`, or a TypeError naming each wrong one (`optrailTelemetry: invalid options: maxOpenCalls: …`). */
export function parseTelemetryOptions(options: unknown): z.infer<typeof OptrailTelemetryOptionsSchema> {
  return parseOptions(OptrailTelemetryOptionsSchema, options, 'optrailTelemetry');
}
