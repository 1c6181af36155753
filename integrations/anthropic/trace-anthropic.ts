import { replaceMethod, resourceAt } from '../shared/instrument.js';
import { traceClient, type ClientMethod } from '../shared/trace-client.js';
import { messagesRecording } from './messages.js';
import { parseOptions, TraceAnthropicOptionsSchema } from '../../schemas/options.js';

/** Options of `traceAnthropic`. */
export interface TraceAnthropicOptions {
  /** Record each request body (model, messages, system, tools, parameters) as the op's inputs (default `true`; `false`: `{}`). */
  captureInputs?: boolean;
  /** Record each answer (content blocks, stop reason) as the op's outputs (default `true`; `false`: `{}`). Usage is recorded either way. */
  captureOutputs?: boolean;
}

/**
 * `messages.stream()` makes its request with `messages.create()` before it returns: while it
 * runs, the call it makes is the stream's (`anthropic.messages.stream`).
 */
let inStreamHelper = 0;

function nameStreamCalls(client: object): void {
  const messages = resourceAt(client, ['messages']);
  if (messages === undefined) return;
  replaceMethod(messages, 'stream', (original) =>
    function (this: unknown, ...args: unknown[]) {
      inStreamHelper++;
      try {
        return Reflect.apply(original, this, args);
      } finally {
        inStreamHelper--;
      }
    },
  );
}

/**
 * Traces an Anthropic client (`@anthropic-ai/sdk` 1) in place and returns the same client, of
 * the same type: `client.messages.create` (streamed or not) becomes an op
 * `anthropic.messages.create`, and the request `client.messages.stream()` makes an op
 * `anthropic.messages.stream`, nested under the caller's current op (outside any request: a
 * request of the default pipeline), with the request body as inputs, the message's content
 * blocks and stop reason as outputs, and an `llm_usage` event: every input token (input + cache
 * creation + cache read) as `prompt_tokens`, cache writes and reads, thinking tokens as
 * reasoning tokens (priced by the pipeline). A stream's usage is `message_start`'s with the
 * cumulative counts of `message_delta` over it.
 *
 * Everything else is as before: the client's own `APIPromise` (`.withResponse()`,
 * `.asResponse()`), the same `Stream` or `MessageStream` (its events, `on('text')`,
 * `finalMessage()`, `abort()`), and the same error object (status, headers, `requestID`). A
 * stream's op ends with the stream: `ok`, `cancelled` when the reader stops early or aborts
 * (what was received in a `received` annotation, the usage as far as it came), `error` when
 * reading fails (an `overloaded_error` event). Tracing a client twice records each call once; a
 * client made by `client.withOptions()` is traced too. With tracing disabled every call goes to
 * the client untouched. A wrong option is a TypeError naming it, thrown here before anything is
 * changed.
 *
 * @example
 * const client = traceAnthropic(new Anthropic());
 * const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages });
 */
export function traceAnthropic<Client extends object>(client: Client, options: TraceAnthropicOptions = {}): Client {
  options = parseOptions(TraceAnthropicOptionsSchema, options, 'traceAnthropic');
  const methods: ClientMethod[] = [
    {
      path: ['messages'],
      method: 'create',
      opName: () => (inStreamHelper > 0 ? 'anthropic.messages.stream' : 'anthropic.messages.create'),
      begin: (args) => messagesRecording(args),
    },
  ];
  const capture = { captureInputs: options.captureInputs ?? true, captureOutputs: options.captureOutputs ?? true, provider: 'anthropic' };
  return traceClient('anthropic', client, methods, capture, (derived) => traceAnthropic(derived, options), nameStreamCalls);
}
