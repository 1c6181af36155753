/**
 * The "LLM integrations" section of `npm run bench` (issue 17): what each client wrapper adds to
 * a call. The AI SDK's calls run against its own mock model (the SDK's work, measured bare, with
 * an integration that does nothing, and with optrail's); the OpenAI and Anthropic wrappers run
 * against the local fixture server, bare and traced batches alternated in one process.
 */
import { runCase } from '../lib/child.js';
import { summarize, type Summary } from '../lib/stats.js';
import { table } from '../lib/table.js';

type AiSdkResult = { nsPerCall: number[]; eventsPerCall: number };
type ClientCase = { bareNs: number; tracedNs: number; overheadNs: number; overheadMin: number; overheadMax: number; bareCpuNs: number; tracedCpuNs: number; overheadCpuNs: number };
type ClientsResult = { calls: number; rounds: number; cases: Record<string, ClientCase> };

const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
const usRange = (s: Summary) => `${us(s.median)} (${us(s.min)}–${us(s.max)})`;

/** Runs the cases and prints the section. */
export function printLlmIntegrations(quick: boolean): void {
  const iterations = quick ? 100 : 500;
  const reps = quick ? 3 : 5;
  const rows: Array<Array<string | number>> = [];
  for (const shape of ['text', 'tools', 'stream']) {
    const side = (name: string) => runCase<AiSdkResult>('llm-ai-sdk.ts', [name, iterations, reps, shape]);
    const bare = summarize(side('bare').nsPerCall);
    const noop = summarize(side('noop').nsPerCall);
    const traced = side('optrail');
    const mine = summarize(traced.nsPerCall);
    rows.push([`AI SDK ${shape}`, usRange(bare), usRange(noop), usRange(mine), us(mine.median - noop.median), `${((mine.median - noop.median) / bare.median * 100).toFixed(0)} %`, traced.eventsPerCall.toFixed(1)]);
  }
  console.log(`\nLLM integrations (issue 17): ns per call, medians (min–max); the AI SDK against its MockLanguageModelV4 (${iterations} calls × ${reps}), optrail's cost = optrail − no-op integration:`);
  console.log(table(['call', 'bare', 'no-op integration', 'optrailTelemetry()', 'optrail adds', 'of the bare call', 'events/call'], rows));
  const clients = runCase<ClientsResult>('llm-clients.ts', [quick ? 50 : 200, quick ? 5 : 15]);
  console.log(`\nOpenAI and Anthropic clients against the local fixture server (${clients.calls} calls per batch, ${clients.rounds} alternated rounds; wall time swings with the machine, CPU time is this process's):`);
  console.log(
    table(
      ['call', 'bare (wall)', 'traced (wall)', 'wrapper adds (wall, min–max)', 'bare (CPU)', 'wrapper adds (CPU)'],
      Object.entries(clients.cases).map(([name, c]) => [name, us(c.bareNs), us(c.tracedNs), `${us(c.overheadNs)} (${us(c.overheadMin)}–${us(c.overheadMax)})`, us(c.bareCpuNs), us(c.overheadCpuNs)]),
    ),
  );
}
