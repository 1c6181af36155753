/** `npm run demo` ends with traceOpenAI: its part prints the answer and the tree with both calls, their tokens and cost. */
import { expect, it, vi } from 'vitest';
import { runOpenAIDemo } from '../../examples/openai-demo.js';

it('the demo’s traceOpenAI part prints the answer and a tree of the two OpenAI calls with tokens and cost', async () => {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  try {
    await runOpenAIDemo();
  } finally {
    write.mockRestore();
  }
  expect(out).toContain('answer: Lisbon is the capital of Portugal.');
  const lines = out.split('\n').map((line) => line.replace(/\s+\d+ms/g, ' Nms').replace(/\s+/g, ' ').trim());
  expect(lines).toContain('✓ ├─ openai.chat.completions.create Nms 1163 tok (in 1117 incl. 1024 cache read, out 46) $0.000118');
  expect(lines).toContain('✓ └─ openai.chat.completions.create Nms 33 tok (in 24, out 9) $0.000009');
});
