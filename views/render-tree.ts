import { DEFAULT_TREE_NAME_WIDTH } from '../src/base/defaults.js';
import { plain, type Palette } from './colors.js';
import { formatDuration, formatModelLine, formatUsage, truncateText } from './format.js';
import { allModels, modelsByName, NO_TOKENS } from './tree-totals.js';
import type { RequestTree, TreeNode } from './tree.js';

/** Without a prototype: a status that is not one of these (a tree built from unchecked events) gets `?`, not an inherited member. */
const MARK: Partial<Record<string, string>> = Object.assign(Object.create(null), { ok: '✓', error: '✗', cancelled: '⊘', unfinished: '…' });

function colourMark(status: TreeNode['status'], palette: Palette): string {
  const mark = MARK[status] ?? '?';
  return status === 'ok' ? palette.green(mark) : status === 'error' ? palette.red(mark) : palette.yellow(mark);
}

/**
 * A request tree as box-drawing text: a summary line per request (duration, ops, errors, and its
 * LLM usage: tokens and cost, then one line per model), then one line per op with its status
 * mark, duration (aligned in one column), and the tokens and cost of its subtree where it used
 * any (see `formatUsage`; a cost that is not known says so). Stable: the same tree always renders
 * the same text.
 */
export function renderTreeText(trees: readonly RequestTree[], options: { palette?: Palette; width?: number } = {}): string {
  const palette = options.palette ?? plain;
  const out: string[] = [];
  for (const tree of trees) {
    const rows: Array<{ label: string; mark: string; node: TreeNode }> = [];
    const walk = (node: TreeNode, prefix: string, lastChild: boolean, top: boolean) => {
      const branch = top ? '' : lastChild ? '└─ ' : '├─ ';
      rows.push({ label: `${prefix}${branch}${node.name}`, mark: colourMark(node.status, palette), node });
      const childPrefix = top ? '' : prefix + (lastChild ? '   ' : '│  ');
      node.children.forEach((child, i) => walk(child, childPrefix, i === node.children.length - 1, false));
    };
    tree.roots.forEach((root) => walk(root, '', true, true));
    // A loop, not Math.max(...labels): a spread of 150,000+ arguments overflows the stack.
    let longest = 12;
    for (const row of rows) if (row.label.length > longest) longest = row.label.length;
    const width = Math.min(options.width ?? DEFAULT_TREE_NAME_WIDTH, longest);
    const usage = allModels(tree.totals);
    out.push(
      palette.bold(`request ${tree.requestId}`) +
        palette.dim(`  ${formatDuration((tree.end - tree.start) / 1000)}  ${tree.totals.ops} ops  ${tree.totals.errors} errors${usage.calls > 0 ? `  ${formatUsage(usage)}` : ''}`),
    );
    for (const [model, u] of modelsByName(tree.totals)) out.push(palette.dim(`  ${formatModelLine(model, u)}`));
    for (const a of tree.annotations) out.push(palette.dim(`  • ${a.key} = ${truncateText(JSON.stringify(a.value) ?? 'null', 60)}`));
    for (const { label, mark, node } of rows) {
      const usage = node.totals.tokensByModel === NO_TOKENS ? undefined : allModels(node.totals);
      const extra = usage !== undefined && usage.calls > 0 ? palette.cyan(`  ${formatUsage(usage)}`) : '';
      const error = node.error ? palette.red(`  ${truncateText(`${node.error.type}: ${node.error.message}`, 60)}`) : '';
      out.push(`${mark} ${truncateText(label, width).padEnd(width)} ${formatDuration(node.durationMs).padStart(8)}${extra}${error}`);
    }
    out.push('');
  }
  return out.join('\n');
}
