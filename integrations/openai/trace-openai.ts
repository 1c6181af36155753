import { DEFAULT_OPENAI_INCLUDE_USAGE, DEFAULT_OPENAI_PROVIDER } from '../../src/base/defaults.js';
import { chatRecording, type ChatSettings } from './chat.js';
import { embeddingsRecording } from './embeddings.js';
import { responsesRecording } from './responses.js';
import { traceClient, type ClientMethod } from '../shared/trace-client.js';
import { parseOptions, TraceOpenAIOptionsSchema } from '../../schemas/options.js';

/** Options of `traceOpenAI`. */
export interface TraceOpenAIOptions {
  /**
   * Ask a streamed chat completion for its usage (`stream_options: { include_usage: true }`) when
   * the caller's request does not say (default `DEFAULT_OPENAI_INCLUDE_USAGE`, `true`), so a
   * streamed call never records zero tokens. The caller still sees the stream it asked for: the
   * extra usage chunk (`choices: []`) is kept from it and the `usage: null` the API adds to every
   * other chunk is removed. A request that sets `include_usage` (true or false) is sent as it is.
   * `false` for a server that refuses `stream_options`.
   */
  includeUsage?: boolean;
  /**
   * The provider recorded with each usage, which the price table looks the model up by
   * (default `DEFAULT_OPENAI_PROVIDER`, `openai`): set it when the client talks to another
   * OpenAI-compatible API (`groq`, `deepseek`, …).
   */
  provider?: string;
  /** Record each request body (model, messages, parameters, tools) as the op's inputs (default `true`; `false`: `{}`). */
  captureInputs?: boolean;
  /** Record each answer (message, tool calls, output items) as the op's outputs (default `true`; `false`: `{}`). Usage is recorded either way. */
  captureOutputs?: boolean;
}

/**
 * Traces an OpenAI client (`openai` 6 or 7) in place and returns the same client, of the same
 * type: `client.chat.completions.create`, `client.responses.create` and
 * `client.embeddings.create` become ops (`openai.chat.completions.create`, …) nested under the
 * caller's current op (outside any request: a request of the default pipeline), with the request
 * body as inputs, the answer as outputs, and an `llm_usage` event with cached and reasoning tokens
 * (priced by the pipeline). The SDK's helpers built on them (`chat.completions.stream`, `.parse`,
 * `.runTools`, `responses.stream`, `.parse`) are recorded through them.
 *
 * Everything else is as before: the call returns the client's own `APIPromise` (`.withResponse()`,
 * `.asResponse()`), then the same body or `Stream` (its `controller`, `tee()`,
 * `toReadableStream()`), and the same error object (status, headers, request id). A stream's op
 * ends with the stream: `ok` with the whole text and the last chunk's usage, `cancelled` (what was
 * received in a `received` annotation) when the reader stops early or the request is aborted,
 * `error` when reading fails. A call whose result is never read ends `error` if its request
 * fails, else stays open (counted in its request's end marker).
 *
 * Tracing a client twice records each call once; a client made by `client.withOptions()` is
 * traced too. With tracing disabled (`OPTRAIL_DISABLED`) every call goes to the client untouched.
 * A wrong option is a TypeError naming it, thrown here before anything is changed.
 *
 * @example
 * const client = traceOpenAI(new OpenAI());
 * const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
 */
export function traceOpenAI<Client extends object>(client: Client, options: TraceOpenAIOptions = {}): Client {
  options = parseOptions(TraceOpenAIOptionsSchema, options, 'traceOpenAI');
  const settings: ChatSettings = {
    includeUsage: options.includeUsage ?? DEFAULT_OPENAI_INCLUDE_USAGE,
    provider: options.provider ?? DEFAULT_OPENAI_PROVIDER,
  };
  const methods: ClientMethod[] = [
    { path: ['chat', 'completions'], method: 'create', opName: () => 'openai.chat.completions.create', begin: (args) => chatRecording(args, settings) },
    { path: ['responses'], method: 'create', opName: () => 'openai.responses.create', begin: (args) => responsesRecording(args, settings.provider) },
    { path: ['embeddings'], method: 'create', opName: () => 'openai.embeddings.create', begin: (args) => embeddingsRecording(args, settings.provider) },
  ];
  const capture = { captureInputs: options.captureInputs ?? true, captureOutputs: options.captureOutputs ?? true, provider: settings.provider };
  return traceClient('openai', client, methods, capture, (derived) => traceOpenAI(derived, options));
}
