/**
 * The defaults of the AI SDK integration. (They belong in src/base/defaults.ts with every other
 * default; kept here until that file takes them, so that this entry loads nothing else.)
 */

/**
 * Most AI SDK calls `optrailTelemetry` keeps open at once: 10,000. A call stays open from its
 * `onStart` to its end, error or abort; one the SDK never ends (a `streamText` whose stream is
 * never read) is forgotten past this many newer open calls, its ops ended `cancelled`. Far above
 * the concurrent LLM calls of one process, so only a leak reaches it.
 */
export const DEFAULT_AI_SDK_MAX_OPEN_CALLS = 10_000;
