/**
 * `responses.create`: the response's status, text and output items (messages, function calls,
 * reasoning) as outputs, its usage; streamed, both from the terminal event (`response.completed`,
 * `response.incomplete` or `response.failed`), and the text deltas received until then.
 */
import type { CallRecording, Recorded } from '../shared/traced-call.js';
import { isArray, isRecord, read, text } from '../shared/safe-read.js';
import { openaiUsage, requestModelOf, RESPONSES_USAGE, type CallModels } from './usage.js';

/** The text of a response: its `output_text` parts, joined (what the SDK's `output_text` holds). */
function outputText(output: unknown): string {
  let joined = '';
  if (!isArray(output)) return joined;
  for (const item of output) {
    if (read(item, 'type') !== 'message') continue;
    const content = read(item, 'content');
    if (!isArray(content)) continue;
    for (const part of content) if (read(part, 'type') === 'output_text') joined += text(read(part, 'text')) ?? '';
  }
  return joined;
}

/** A `response.failed` (or a body whose status is `failed`) as the op's error. */
function failureOf(response: unknown): unknown {
  if (read(response, 'status') !== 'failed') return undefined;
  const error = read(response, 'error');
  return { name: 'ResponseFailed', message: text(read(error, 'message')) ?? 'the response failed', code: read(error, 'code') ?? undefined };
}

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

class ResponsesRecording implements CallRecording {
  private readonly models: CallModels;
  private id: unknown;
  private deltas = '';
  private final: unknown;
  private received = false;

  constructor(
    readonly args: readonly unknown[],
    provider: string,
  ) {
    this.models = { requestModel: requestModelOf(args[0]), responseModel: undefined, provider };
  }

  private recorded(response: unknown): Recorded {
    this.models.responseModel = text(read(response, 'model'));
    const output = read(response, 'output');
    const usage = openaiUsage(read(response, 'usage'), RESPONSES_USAGE, this.models);
    return {
      outputs: { id: read(response, 'id'), model: read(response, 'model'), status: read(response, 'status'), output_text: outputText(output), output },
      usage,
      usageNote: usage === undefined ? ['usage_missing', 'the response carried no usage'] : undefined,
      failure: failureOf(response),
    };
  }

  result(data: unknown): Recorded {
    return this.recorded(data);
  }

  item(event: unknown): boolean {
    this.received = true;
    const type = read(event, 'type');
    const response = read(event, 'response');
    if (isRecord(response)) {
      this.id ??= read(response, 'id');
      this.models.responseModel ??= text(read(response, 'model'));
      if (typeof type === 'string' && TERMINAL.has(type)) this.final = response;
    } else if (type === 'response.output_text.delta') {
      this.deltas += text(read(event, 'delta')) ?? '';
    }
    return true;
  }

  streamed(): Recorded {
    if (this.final !== undefined) return this.recorded(this.final);
    return {
      outputs: this.received ? { id: this.id, model: this.models.responseModel, output_text: this.deltas } : undefined,
      usageNote: ['usage_missing', 'the stream ended before its response.completed event'],
    };
  }
}

/** The recording of one `responses.create` call. */
export function responsesRecording(args: readonly unknown[], provider: string): CallRecording {
  return new ResponsesRecording(args, provider);
}
