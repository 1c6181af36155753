/** The CLI's exit codes (docs/cli.md). */
export const EXIT_OK = 0;
/** The input has problems: invalid lines, a torn file, failed invariants. */
export const EXIT_INVALID_INPUT = 1;
/** Wrong usage, or an input that cannot be read at all. */
export const EXIT_USAGE = 2;
/**
 * `convert --to otlp`: not every span was delivered; some wait in the spool (resent by the next
 * upload to the same endpoint) or the endpoint refused them for good. Apart from 1 (bad input)
 * so a script can tell "try again later" from "fix the input".
 */
export const EXIT_NOT_DELIVERED = 3;

/** `EXIT_INVALID_INPUT` when any problem is more than a torn last line, else `EXIT_OK`. */
export function exitCodeFor(problems: ReadonlyArray<{ torn?: boolean }>): number {
  return problems.some((p) => !p.torn) ? EXIT_INVALID_INPUT : EXIT_OK;
}
