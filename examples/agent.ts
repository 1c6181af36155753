/**
 * `npm run demo`: trace one run of a small agent (plan, tools in parallel, a streaming LLM
 * call, an answer) with a deterministic fake LLM, show its tree, timeline and grouped views,
 * and write traces/<request_id>.jsonl.gz and traces/<request_id>.html.
 * The agent itself is in src/cli/demo/agent.ts.
 *
 * Then the same with a real client: an OpenAI client traced with `traceOpenAI`, against a local
 * server replaying recorded OpenAI responses (examples/openai-demo.ts).
 */
import { runDemo } from '../src/cli/demo/run-demo.js';
import { runOpenAIDemo } from './openai-demo.js';

await runDemo('traces');
await runOpenAIDemo();
