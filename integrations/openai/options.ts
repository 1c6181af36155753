import { z } from 'zod';
import { parseOptions } from '../../schemas/options.js';

/**
 * `TraceOpenAIOptions`, parsed by `traceOpenAI`. (It belongs in schemas/options.ts with every
 * other options schema; kept here until that file takes it.)
 */
export const TraceOpenAIOptionsSchema = z.strictObject({
  includeUsage: z.boolean().optional(),
  provider: z.string().min(1).optional(),
  captureInputs: z.boolean().optional(),
  captureOutputs: z.boolean().optional(),
});

/** The options of `traceOpenAI`, or a TypeError naming each wrong one (`traceOpenAI: invalid options: includeUsage: …`). */
export function parseTraceOpenAIOptions(options: unknown): z.infer<typeof TraceOpenAIOptionsSchema> {
  return parseOptions(TraceOpenAIOptionsSchema, options, 'traceOpenAI');
}
