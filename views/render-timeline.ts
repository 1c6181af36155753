import { DEFAULT_TEXT_WIDTH } from '../src/base/defaults.js';
import { plain, type Palette } from './colors.js';
import { formatDuration, truncateText } from './format.js';
import type { RequestTimeline } from './timeline.js';

/**
 * A Gantt-style timeline: one row per span (indented by depth), a bar scaled so the whole
 * request fits `width` columns (default `DEFAULT_TEXT_WIDTH`, 100), and the duration.
 */
export function renderTimelineText(timelines: readonly RequestTimeline[], options: { palette?: Palette; width?: number } = {}): string {
  const palette = options.palette ?? plain;
  const width = Math.max(60, options.width ?? DEFAULT_TEXT_WIDTH);
  const out: string[] = [];
  for (const timeline of timelines) {
    // A loop, not Math.max(...spans): a spread of 150,000+ arguments overflows the stack.
    let longest = 8;
    for (const span of timeline.spans) longest = Math.max(longest, span.name.length + span.depth * 2);
    const labelWidth = Math.min(28, longest);
    const barWidth = width - labelWidth - 12;
    const scale = timeline.durationMs > 0 ? barWidth / timeline.durationMs : 0;
    out.push(palette.bold(`request ${timeline.requestId}`) + palette.dim(`  ${formatDuration(timeline.durationMs)}, ${timeline.lanes} lane(s)`));
    for (const span of timeline.spans) {
      const from = Math.min(barWidth - 1, Math.floor(span.offsetMs * scale));
      const length = Math.max(1, Math.min(barWidth - from, Math.round(span.durationMs * scale)));
      const bar = ' '.repeat(from) + '█'.repeat(length);
      const coloured = span.status === 'error' ? palette.red(bar) : span.status === 'ok' ? palette.green(bar) : palette.yellow(bar);
      const label = truncateText('  '.repeat(span.depth) + span.name, labelWidth).padEnd(labelWidth);
      out.push(`${label} │${coloured}${' '.repeat(barWidth - from - length)}│ ${formatDuration(span.durationMs).padStart(8)}`);
    }
    out.push('');
  }
  return out.join('\n');
}
