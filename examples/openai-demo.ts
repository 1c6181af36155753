/**
 * The part of `npm run demo` that shows `traceOpenAI`: a real OpenAI client (the `openai`
 * package) talking to an in-process server that replays recorded OpenAI responses
 * (test/integrations/llm-fixture-server.ts: no network, no key), traced in place. One agent
 * step asks for a plan (a chat completion) and streams an answer; the tree shows both calls as
 * ops with their tokens and the cost the pipeline computed from the price table.
 */
import OpenAI from 'openai';
import { treeExporter } from '../exporters/tree-exporter.js';
import { traceOpenAI } from '../integrations/openai/index.js';
import { createPipeline } from '../src/pipeline/pipeline.js';
import { op } from '../src/recording/op.js';
import { startFixtureServer } from '../test/integrations/llm-fixture-server.js';

/** Runs the traced OpenAI step and prints its answer and tree. */
export async function runOpenAIDemo(): Promise<void> {
  const server = await startFixtureServer();
  try {
    // The server picks the recorded response by the `x-fixture` header.
    const client = traceOpenAI(new OpenAI({ apiKey: 'demo', baseURL: `${server.url}/v1`, maxRetries: 0 }));
    const pipeline = createPipeline({ exporters: [treeExporter()] });
    const answer = op('answer', async ({ question }: { question: string }) => {
      const plan = await client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Plan how to answer: ${question}` }] },
        { headers: { 'x-fixture': 'openai/chat' } },
      );
      const stream = await client.chat.completions.create(
        { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'system', content: plan.choices[0]!.message.content ?? '' }, { role: 'user', content: question }] },
        { headers: { 'x-fixture': 'openai/chat-stream' } },
      );
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return { text };
    });
    process.stdout.write('\ntraceOpenAI: an OpenAI client against a local server replaying recorded responses\n');
    const { text } = await pipeline.run(() => answer({ question: 'What is the capital of Portugal?' }));
    process.stdout.write(`answer: ${text}\n\n`);
    await pipeline.shutdown();
  } finally {
    await server.close();
  }
}
