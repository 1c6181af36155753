import { plain, type Palette } from './colors.js';
import { formatCost, formatDuration, totalTokens } from './format.js';
import type { Group, GroupedOp, RequestGroups } from './grouped.js';

function opLine(op: GroupedOp, indent: string, palette: Palette): string {
  const mark = op.status === 'ok' ? palette.green('✓') : op.status === 'error' ? palette.red('✗') : palette.yellow(op.status === 'cancelled' ? '⊘' : '…');
  return `${indent}${mark} ${op.name} ${palette.dim(formatDuration(op.durationMs))}`;
}

/** Groups with their totals, annotations and ops, nested groups indented; ungrouped ops last. */
export function renderGroupedText(requests: readonly RequestGroups[], options: { palette?: Palette } = {}): string {
  const palette = options.palette ?? plain;
  const out: string[] = [];
  const group = (g: Group, indent: string) => {
    const t = g.totals;
    const tokens = totalTokens(t);
    const status = g.status === 'ok' ? '' : palette.yellow(' [truncated]');
    out.push(
      `${indent}${palette.bold(`▸ ${g.name}`)}${status}  ${palette.dim(`${formatDuration(g.durationMs)}  ${t.ops} ops  ${t.errors} errors${tokens > 0 ? `  ${tokens} tok  ${formatCost(t)}` : ''}`)}`,
    );
    for (const [key, value] of Object.entries(g.metadata)) out.push(`${indent}    ${palette.dim(`${key}: ${JSON.stringify(value)}`)}`);
    for (const a of g.annotations) out.push(`${indent}    ${palette.dim(`• ${a.key} = ${JSON.stringify(a.value)}`)}`);
    for (const op of g.ops) out.push(opLine(op, `${indent}    `, palette));
    for (const inner of g.groups) group(inner, `${indent}    `);
  };
  for (const request of requests) {
    out.push(palette.bold(`request ${request.requestId}`) + palette.dim(`  ${request.groups.length} group(s)`));
    request.groups.forEach((g) => group(g, '  '));
    if (request.ungrouped.length > 0) {
      out.push(`  ${palette.bold('outside any group')}`);
      for (const op of request.ungrouped) out.push(opLine(op, '    ', palette));
    }
    out.push('');
  }
  return out.join('\n');
}
