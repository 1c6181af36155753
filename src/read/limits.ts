/**
 * Limits of the readers. (Meant for src/defaults.ts, "every default written once"; kept here until
 * that file's owner moves them.)
 */

/**
 * The longest line (or JSON-array element) `readEvents` parses, in bytes: 64 MiB. A longer one is
 * reported as `file:line: line of N bytes is longer than the 67108864-byte limit` and skipped
 * without being held in memory, so a hostile file costs time linear in its size and memory
 * bounded by this limit. optrail's own writers bound every recorded string far below it.
 */
export const READ_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Read and gunzip in 64 KiB chunks: fewer trips through the event loop than the 16 KiB default, without the cost of splitting huge strings. */
export const READ_CHUNK_BYTES = 64 * 1024;

/**
 * How many event ids the CLI remembers to count an event read twice once (`optrail stats`, the
 * views built from kept events) and to report duplicates (`optrail validate`): 1,000,000, about
 * 150 MB at most. Past it the oldest are forgotten, so a duplicate more than a million distinct
 * events after its first copy is not recognised.
 */
export const READ_MAX_REMEMBERED_IDS = 1_000_000;
