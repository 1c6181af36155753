import type { z } from 'zod';
import { OptrailTelemetryOptionsSchema, parseOptions } from '../../schemas/options.js';

/** The options of `optrailTelemetry`, or a TypeError naming each wrong one (`optrailTelemetry: invalid options: maxOpenCalls: …`). */
export function parseTelemetryOptions(options: unknown): z.infer<typeof OptrailTelemetryOptionsSchema> {
  return parseOptions(OptrailTelemetryOptionsSchema, options, 'optrailTelemetry');
}
