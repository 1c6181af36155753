import type { Totals } from './tree.js';

/** `412ms`, `1.25s`, `3m05s`; `—` when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
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
