import type { ModelTokens } from './tree-totals.js';

/**
 * `0.25ms`, `4.2ms`, `412ms`, `1.25s`, `3m05s`; `—` when unknown. Each form is chosen by the value
 * as rounded for display, so a value that rounds up to a form's limit is written in the next
 * form: `1.00s`, not `1000ms`; `1m00s`, not `60.00s`; `2m00s`, not `1m60s`. The HTML viewer's
 * `dur` (html-viewer.ts) is the same rule in the page's JavaScript.
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  let text: string;
  if (ms < 1 && Number((text = ms.toFixed(2))) < 1) return `${text}ms`;
  if (ms < 10 && Number((text = ms.toFixed(1))) < 10) return `${text}ms`;
  if (ms < 1000 && Number((text = ms.toFixed(0))) < 1000) return `${text}ms`;
  if (ms < 60_000 && Number((text = (ms / 1000).toFixed(2))) < 60) return `${text}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/**
 * `14 tok (in 12, out 2)`: total, input and output tokens, with the parts of each that were cache
 * reads, cache writes or reasoning when there were any:
 * `1300 tok (in 1000 incl. 800 cache read + 100 cache write, out 300 incl. 50 reasoning)`.
 * The HTML viewer's `tokensText` (html-viewer.ts) is the same rule in the page's JavaScript.
 */
export function formatTokens(u: ModelTokens): string {
  const cache: string[] = [];
  if (u.cacheRead > 0) cache.push(`${u.cacheRead} cache read`);
  if (u.cacheWrite > 0) cache.push(`${u.cacheWrite} cache write`);
  const input = cache.length > 0 ? ` incl. ${cache.join(' + ')}` : '';
  const output = u.reasoning > 0 ? ` incl. ${u.reasoning} reasoning` : '';
  return `${u.total} tok (in ${u.prompt}${input}, out ${u.completion}${output})`;
}

/**
 * `$0.000301` (4 decimals from a cent up, 6 below); `$0.0123 + unknown` when some calls had no
 * known cost (the dollars are those of the others); `cost unknown` when none had one. Never a
 * `$0` for a cost that is not known. `decimals` fixes the digits (`optrail stats` writes 6 in
 * every row, so its column lines up). The HTML viewer's `costText` is the same rule.
 */
export function formatCost(u: Pick<ModelTokens, 'calls' | 'costUsd' | 'costUnknownCalls'>, decimals = u.costUsd >= 0.01 ? 4 : 6): string {
  const text = `$${u.costUsd.toFixed(decimals)}`;
  if (u.costUnknownCalls === 0) return text;
  return u.costUnknownCalls >= u.calls && u.costUsd === 0 ? 'cost unknown' : `${text} + unknown`;
}

/** Tokens and cost: `14 tok (in 12, out 2)  $0.000004`. */
export function formatUsage(u: ModelTokens): string {
  return `${formatTokens(u)}  ${formatCost(u)}`;
}

/**
 * One model of a per-model breakdown: `model gpt-4o  2 calls  …tokens…  $0.0010 + unknown (1 call)`,
 * the count of calls whose cost is unknown after the cost. The name is cut at 60 characters.
 */
export function formatModelLine(model: string, u: ModelTokens): string {
  const unknown = u.costUnknownCalls > 0 ? ` (${plural(u.costUnknownCalls, 'call')})` : '';
  return `model ${truncateText(model, 60)}  ${plural(u.calls, 'call')}  ${formatUsage(u)}${unknown}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Display width of a string (no ANSI codes expected; wide characters count 1, good enough for names). */
export function truncateText(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
