import { plain, type Palette } from './colors.js';
import { formatDuration, formatModelLine, formatUsage } from './format.js';
import { allModels, modelsByName } from './tree-totals.js';
import type { Group, GroupedOp, RequestGroups } from './grouped.js';

function opLine(op: GroupedOp, indent: string, palette: Palette): string {
  const mark = op.status === 'ok' ? palette.green('✓') : op.status === 'error' ? palette.red('✗') : palette.yellow(op.status === 'cancelled' ? '⊘' : '…');
  return `${indent}${mark} ${op.name} ${palette.dim(formatDuration(op.durationMs))}`;
}

/**
 * Per request: its LLM usage over every op (tokens and cost, then one line per model), then the
 * groups with their totals (tokens and cost of the usage recorded while the group was open),
 * annotations and ops, nested groups indented; ungrouped ops last.
 */
export function renderGroupedText(requests: readonly RequestGroups[], options: { palette?: Palette } = {}): string {
  const palette = options.palette ?? plain;
  const out: string[] = [];
  const group = (g: Group, indent: string) => {
    const t = g.totals;
    const usage = allModels(t);
    const status = g.status === 'ok' ? '' : palette.yellow(' [truncated]');
    out.push(
      `${indent}${palette.bold(`▸ ${g.name}`)}${status}  ${palette.dim(`${formatDuration(g.durationMs)}  ${t.ops} ops  ${t.errors} errors${usage.calls > 0 ? `  ${formatUsage(usage)}` : ''}`)}`,
    );
    for (const [key, value] of Object.entries(g.metadata)) out.push(`${indent}    ${palette.dim(`${key}: ${JSON.stringify(value)}`)}`);
    for (const a of g.annotations) out.push(`${indent}    ${palette.dim(`• ${a.key} = ${JSON.stringify(a.value)}`)}`);
    for (const op of g.ops) out.push(opLine(op, `${indent}    `, palette));
    for (const inner of g.groups) group(inner, `${indent}    `);
  };
  for (const request of requests) {
    const usage = allModels(request.totals);
    out.push(palette.bold(`request ${request.requestId}`) + palette.dim(`  ${request.groups.length} group(s)${usage.calls > 0 ? `  ${formatUsage(usage)}` : ''}`));
    for (const [model, u] of modelsByName(request.totals)) out.push(palette.dim(`  ${formatModelLine(model, u)}`));
    request.groups.forEach((g) => group(g, '  '));
    if (request.ungrouped.length > 0) {
      out.push(`  ${palette.bold('outside any group')}`);
      for (const op of request.ungrouped) out.push(opLine(op, '    ', palette));
    }
    out.push('');
  }
  return out.join('\n');
}
