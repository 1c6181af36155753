/**
 * A small traced agent: plan, tools in parallel, a streaming LLM call, then an answer.
 * Every function is wrapped with `op`, so the run becomes one ordered event stream.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { annotate, group, op, recordLlmUsage, recordMedia } from '../../../index.js';
import { complete, costOf, stream } from './fake-llm.js';

export const plan = op('plan', async ({ question }: { question: string }) => {
  const { text, usage } = await complete('fake-mini', `plan: ${question}`);
  recordLlmUsage({ model: 'fake-mini', provider: 'fake', ...usage, costUsd: costOf('fake-mini', usage.promptTokens, usage.completionTokens) });
  return { steps: text.split(/, then |, /) };
});

export const searchDocs = op('search_docs', async ({ query }: { query: string }) => {
  await delay(12);
  annotate('hits', 3);
  return { results: [`${query} — doc 1`, `${query} — doc 2`, `${query} — doc 3`] };
});

export const getWeather = op('get_weather', async ({ city }: { city: string }) => {
  await delay(8);
  // A chart the tool produced: kept in the media store, referenced from the stream.
  recordMedia(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><text>${city}: 21 °C</text></svg>`), { mime: 'image/svg+xml' });
  return { city, celsius: 21, sky: 'sunny' };
});

export const streamAnswer = op('llm_stream', async function* ({ prompt }: { prompt: string }) {
  const tokens = stream('fake-large', prompt);
  let next = await tokens.next();
  while (!next.done) {
    yield { token: next.value };
    next = await tokens.next();
  }
  const usage = next.value;
  recordLlmUsage({ model: 'fake-large', provider: 'fake', ...usage, costUsd: costOf('fake-large', usage.promptTokens, usage.completionTokens) });
});

export const agent = op('agent', async ({ question }: { question: string }) => {
  const turn = await group('turn-0', async () => {
    const { steps } = await plan({ question });
    annotate('plan', steps);
    const [docs, weather] = await Promise.all([searchDocs({ query: question }), getWeather({ city: 'Lisbon' })]);
    let answer = '';
    for await (const { token } of streamAnswer({ prompt: `${question}\n${docs.results.join('\n')}\n${JSON.stringify(weather)}` })) {
      answer += token;
    }
    return { answer };
  }, { turn_index: 0 });
  annotate('answer_chars', turn.answer.length);
  return turn;
});
