/** The CLI's exit codes (docs/cli.md). */
export const EXIT_OK = 0;
/** The input has problems: invalid lines, a torn file, failed invariants. */
export const EXIT_INVALID_INPUT = 1;
/** Wrong usage, or an input that cannot be read at all. */
export const EXIT_USAGE = 2;

/** `EXIT_INVALID_INPUT` when any problem is more than a torn last line, else `EXIT_OK`. */
export function exitCodeFor(problems: ReadonlyArray<{ torn?: boolean }>): number {
  return problems.some((p) => !p.torn) ? EXIT_INVALID_INPUT : EXIT_OK;
}
