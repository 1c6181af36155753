/**
 * The defaults of the OpenAI integration. (They belong in src/base/defaults.ts with every other
 * default; kept here until that file takes them, so that this entry loads nothing else.)
 */

/**
 * Whether `traceOpenAI` asks a streamed chat completion for its usage (`stream_options:
 * { include_usage: true }`) when the caller did not say: `true`, so a streamed call never records
 * zero tokens. The usage chunk the caller did not ask for is kept from it, and the `usage: null`
 * the API then adds to every other chunk is taken off: the caller sees the stream it asked for.
 */
export const DEFAULT_OPENAI_INCLUDE_USAGE = true;

/** The provider `traceOpenAI` records (and prices by): `openai`. */
export const DEFAULT_OPENAI_PROVIDER = 'openai';
