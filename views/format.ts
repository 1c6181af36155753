import type { Totals } from './tree.js';

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

/** `$0.000301`, with `?` appended when some cost was unknown. */
export function formatCost(totals: Totals): string {
  const text = `$${totals.costUsd.toFixed(totals.costUsd >= 0.01 ? 4 : 6)}`;
  return totals.costUnknown ? `${text}?` : text;
}

export function totalTokens(totals: Totals): number {
  return Object.values(totals.tokensByModel).reduce((sum, m) => sum + m.total, 0);
}

/** Display width of a string (no ANSI codes expected; wide characters count 1, good enough for names). */
export function truncateText(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
