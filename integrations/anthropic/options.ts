import { z } from 'zod';
import { parseOptions } from '../../schemas/options.js';

/**
 * `TraceAnthropicOptions`, parsed by `traceAnthropic`. (It belongs in schemas/options.ts with
 * every other options schema; kept here until that file takes it.)
 */
export const TraceAnthropicOptionsSchema = z.strictObject({
  captureInputs: z.boolean().optional(),
  captureOutputs: z.boolean().optional(),
});

/** The options of `traceAnthropic`, or a TypeError naming each wrong one (`traceAnthropic: invalid options: captureInput: …`). */
export function parseTraceAnthropicOptions(options: unknown): z.infer<typeof TraceAnthropicOptionsSchema> {
  return parseOptions(TraceAnthropicOptionsSchema, options, 'traceAnthropic');
}
