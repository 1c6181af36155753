/**
 * `npm run demo`: trace one run of a small agent (plan, tools in parallel, a streaming LLM
 * call, an answer) with a deterministic fake LLM, show its tree, timeline and grouped views,
 * and write traces/<request_id>.jsonl.gz and traces/<request_id>.html.
 * The agent itself is in src/cli/demo/agent.ts.
 */
import { runDemo } from '../src/cli/demo/run-demo.js';

await runDemo('traces');
