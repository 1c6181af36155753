/** ANSI styling, on only when asked: `NO_COLOR` wins, then `FORCE_COLOR`, then whether the target is a TTY. */
export interface Palette {
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const identity = (text: string) => text;

export const plain: Palette = { dim: identity, bold: identity, red: identity, green: identity, yellow: identity, cyan: identity };
export const ansi: Palette = { dim: wrap(2, 22), bold: wrap(1, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };

/** Whether to colour output to `stream`, by the conventions of `NO_COLOR` and `FORCE_COLOR`. */
export function useColor(stream: { isTTY?: boolean } | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream?.isTTY === true;
}
