/**
 * Child process: what `traceOpenAI` and `traceAnthropic` add to a call, in ns per call, over the
 * same call of the bare client, both talking to the same local fixture server in this process
 * (test/integrations/llm-fixture-server.ts: no network). Bare and traced batches alternate, so
 * both see the same server, heap and JIT state; the overhead is the median of the per-round
 * differences. The traced calls run inside one request of a pipeline with a no-op exporter.
 * Besides wall time it counts this process's CPU time per call (`process.cpuUsage`, client and
 * server both): on a loaded machine the wall time of a local HTTP call swings by milliseconds,
 * while the CPU time the tracing adds stays measurable.
 *
 * argv: [calls per batch = 200] [rounds = 15] [`no-prices`: the pipeline computes no cost, to see
 * what pricing a usage costs]. Prints one JSON line:
 * `{ calls, rounds, cases: { <case>: { bareNs, tracedNs, overheadNs, overheadMin, overheadMax,
 * bareCpuNs, tracedCpuNs, overheadCpuNs } } }` (medians; min/max of the per-round wall overhead).
 * Run: `npx tsx bench/cases/llm-clients.ts 200 15`.
 */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { createPipeline, type Exporter } from '../../index.js';
import { traceAnthropic } from '../../integrations/anthropic/index.js';
import { traceOpenAI } from '../../integrations/openai/index.js';
import { startFixtureServer } from '../../test/integrations/llm-fixture-server.js';
import { summarize } from '../lib/stats.js';

const calls = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 15);
const prices = process.argv[4] !== 'no-prices';

let sink = 0;
const noop: Exporter = { name: 'noop', export: (batch) => void (sink += batch.length), exportSync: (batch) => void (sink += batch.length) };
const pipeline = createPipeline({ exporters: [noop], exitSafety: false, logger: false, ...(prices ? {} : { prices: false as const }) });
const server = await startFixtureServer();
const headers = (name: string) => ({ headers: { 'x-fixture': name } });

const openai = (traced: boolean) => {
  const client = new OpenAI({ apiKey: 'sk-bench', baseURL: `${server.url}/v1`, maxRetries: 0 });
  return traced ? traceOpenAI(client) : client;
};
const anthropic = (traced: boolean) => {
  const client = new Anthropic({ apiKey: 'sk-ant-bench', baseURL: server.url, maxRetries: 0 });
  return traced ? traceAnthropic(client) : client;
};
const drain = async (stream: AsyncIterable<unknown>) => {
  for await (const _ of stream) sink++;
};
const messages = [{ role: 'user' as const, content: 'Capital of Portugal?' }];

/** Each case: one call of a client made bare or traced. */
const cases: Record<string, (traced: boolean) => () => Promise<unknown>> = {
  'openai chat.completions.create': (traced) => {
    const client = openai(traced);
    return () => client.chat.completions.create({ model: 'gpt-4o-mini', messages }, headers('openai/chat'));
  },
  'openai chat.completions.create, streamed (10 chunks)': (traced) => {
    const client = openai(traced);
    return async () => drain(await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages }, headers('openai/chat-stream')));
  },
  'openai responses.create': (traced) => {
    const client = openai(traced);
    return () => client.responses.create({ model: 'gpt-5-mini', input: 'Weather?' }, headers('openai/responses'));
  },
  'anthropic messages.create': (traced) => {
    const client = anthropic(traced);
    return () => client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages }, headers('anthropic/message'));
  },
  'anthropic messages.stream (9 events)': (traced) => {
    const client = anthropic(traced);
    return () => client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 64, messages }, headers('anthropic/message-stream')).finalMessage();
  },
};

/** Wall and CPU ns per call of `calls` sequential calls; traced batches run as one request. */
async function batch(call: () => Promise<unknown>, traced: boolean): Promise<{ wall: number; cpu: number }> {
  const run = async () => {
    for (let i = 0; i < calls; i++) await call();
  };
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  if (traced) await pipeline.run(run);
  else await run();
  const wall = Number(process.hrtime.bigint() - start) / calls;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: ((used.user + used.system) * 1000) / calls };
}

type CaseResult = { bareNs: number; tracedNs: number; overheadNs: number; overheadMin: number; overheadMax: number; bareCpuNs: number; tracedCpuNs: number; overheadCpuNs: number };
const results: Record<string, CaseResult> = {};
for (const [name, make] of Object.entries(cases)) {
  const bare = make(false);
  const traced = make(true);
  await batch(bare, false); // warm-up, both sides
  await batch(traced, true);
  const bareNs: number[] = [];
  const tracedNs: number[] = [];
  const overhead: number[] = [];
  const bareCpu: number[] = [];
  const tracedCpu: number[] = [];
  const overheadCpu: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate which side goes first, so neither always runs on a warmer server.
    const first = round % 2 === 0;
    const a = await batch(first ? bare : traced, !first);
    const b = await batch(first ? traced : bare, first);
    const [bareRound, tracedRound] = first ? [a, b] : [b, a];
    bareNs.push(bareRound.wall);
    tracedNs.push(tracedRound.wall);
    overhead.push(tracedRound.wall - bareRound.wall);
    bareCpu.push(bareRound.cpu);
    tracedCpu.push(tracedRound.cpu);
    overheadCpu.push(tracedRound.cpu - bareRound.cpu);
  }
  const spread = summarize(overhead);
  results[name] = {
    bareNs: summarize(bareNs).median,
    tracedNs: summarize(tracedNs).median,
    overheadNs: spread.median,
    overheadMin: spread.min,
    overheadMax: spread.max,
    bareCpuNs: summarize(bareCpu).median,
    tracedCpuNs: summarize(tracedCpu).median,
    overheadCpuNs: summarize(overheadCpu).median,
  };
}
await pipeline.shutdown();
await server.close();
if (sink === 0) throw new Error('nothing reached the sink');
process.stdout.write(JSON.stringify({ calls, rounds, prices, cases: results }) + '\n');
