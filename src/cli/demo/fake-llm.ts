/**
 * A deterministic stand-in for an LLM: no network, same answer every run, and token usage
 * reported the way a provider SDK would. Used by the demo and the examples.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** USD per million tokens, as a provider's price list gives them. */
export const PRICES: Record<string, { input: number; output: number }> = {
  'fake-mini': { input: 0.15, output: 0.6 },
  'fake-large': { input: 2.5, output: 10 },
};

export function costOf(model: string, promptTokens: number, completionTokens: number): number {
  const price = PRICES[model];
  if (!price) return 0;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}

/** Counts "tokens" the way a tokenizer roughly would: words and punctuation. */
export function countTokens(text: string): number {
  return text.split(/(\s+|[.,!?;:])/).filter((t) => t.trim() !== '').length;
}

const ANSWERS: Array<[RegExp, string]> = [
  [/^plan/i, 'search the docs, check the weather, then answer'],
  [/capital/i, 'Lisbon is the capital of Portugal, and it is sunny there today at 21 °C.'],
  [/weather/i, 'Sunny, 21 °C in Lisbon.'],
];

/** The full answer the model gives to `prompt`. */
export function answerFor(prompt: string): string {
  for (const [pattern, answer] of ANSWERS) if (pattern.test(prompt)) return answer;
  return 'I am not sure.';
}

/** A completion call: waits `latencyMs`, returns text and usage. */
export async function complete(model: string, prompt: string, latencyMs = 15) {
  await delay(latencyMs);
  const text = answerFor(prompt);
  return { text, usage: { promptTokens: countTokens(prompt) + 20, completionTokens: countTokens(text) } };
}

/** A streaming call: yields the answer word by word. */
export async function* stream(model: string, prompt: string, perTokenMs = 2): AsyncGenerator<string, { promptTokens: number; completionTokens: number }> {
  const words = answerFor(prompt).split(' ');
  for (const [i, word] of words.entries()) {
    await delay(perTokenMs);
    yield (i === 0 ? '' : ' ') + word;
  }
  return { promptTokens: countTokens(prompt) + 20, completionTokens: words.length };
}
