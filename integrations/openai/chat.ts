/**
 * `chat.completions.create`: the answer (message, tool calls, finish reason) as outputs, the usage
 * of the completion or of the stream's last chunk. A streamed call the caller did not ask usage
 * for asks for it (`includeUsage`), and the caller still sees the stream it asked for.
 */
import type { CallRecording, Recorded } from '../shared/traced-call.js';
import { isArray, isRecord, read, text } from '../shared/safe-read.js';
import { CHAT_USAGE, openaiUsage, requestModelOf, type CallModels } from './usage.js';

/** What the chat recording needs of `traceOpenAI`'s options. */
export interface ChatSettings {
  includeUsage: boolean;
  provider: string;
}

/** The outputs of a completion's choices: the first choice's message and finish reason, and every choice when there are more. */
function choicesOutputs(id: unknown, model: unknown, choices: ReadonlyArray<{ index: unknown; finish_reason: unknown; message: unknown }>): Record<string, unknown> {
  const first = choices[0];
  const outputs: Record<string, unknown> = { id, model, finish_reason: first?.finish_reason ?? null, message: first?.message ?? null };
  if (choices.length > 1) outputs.choices = choices;
  return outputs;
}

/** One tool call as its deltas build it. */
interface ToolCallState {
  id?: string;
  type?: string;
  name: string;
  arguments: string;
}

/** One choice as its deltas build it. */
class ChoiceState {
  role: string | undefined;
  content: string | undefined;
  refusal: string | undefined;
  finishReason: string | undefined;
  readonly toolCalls = new Map<number, ToolCallState>();

  constructor(readonly index: number) {}

  add(delta: unknown, finishReason: unknown): void {
    const role = text(read(delta, 'role'));
    if (role !== undefined) this.role = role;
    const content = text(read(delta, 'content'));
    if (content !== undefined) this.content = (this.content ?? '') + content;
    const refusal = text(read(delta, 'refusal'));
    if (refusal !== undefined) this.refusal = (this.refusal ?? '') + refusal;
    const calls = read(delta, 'tool_calls');
    if (isArray(calls)) for (const call of calls) this.addToolCall(call);
    if (typeof finishReason === 'string') this.finishReason = finishReason;
  }

  private addToolCall(delta: unknown): void {
    const index = read(delta, 'index');
    const at = typeof index === 'number' ? index : this.toolCalls.size;
    let call = this.toolCalls.get(at);
    if (call === undefined) this.toolCalls.set(at, (call = { name: '', arguments: '' }));
    const id = text(read(delta, 'id'));
    if (id !== undefined) call.id = id;
    const type = text(read(delta, 'type'));
    if (type !== undefined) call.type = type;
    const fn = read(delta, 'function');
    const name = text(read(fn, 'name'));
    if (name !== undefined && name !== '') call.name = name;
    const args = text(read(fn, 'arguments'));
    if (args !== undefined) call.arguments += args;
  }

  message(): Record<string, unknown> {
    const message: Record<string, unknown> = { role: this.role ?? 'assistant', content: this.content ?? null };
    if (this.refusal !== undefined) message.refusal = this.refusal;
    if (this.toolCalls.size > 0) {
      message.tool_calls = [...this.toolCalls.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([, call]) => ({ id: call.id, type: call.type ?? 'function', function: { name: call.name, arguments: call.arguments } }));
    }
    return message;
  }
}

/** A chat completion call, streamed or not. */
class ChatRecording implements CallRecording {
  readonly args: readonly unknown[];
  /** True when optrail asked for the usage: its chunk, and the `usage: null` of the others, are kept from the caller. */
  private readonly askedUsage: boolean;
  private readonly models: CallModels;
  private id: unknown;
  private usage: unknown;
  private readonly choices = new Map<number, ChoiceState>();

  constructor(args: readonly unknown[], settings: ChatSettings) {
    const body = args[0];
    this.models = { requestModel: requestModelOf(body), responseModel: undefined, provider: settings.provider };
    const asked = settings.includeUsage && read(body, 'stream') === true ? withUsage(body) : undefined;
    this.askedUsage = asked !== undefined;
    this.args = asked === undefined ? args : [asked, ...args.slice(1)];
  }

  result(data: unknown): Recorded {
    this.models.responseModel = text(read(data, 'model'));
    const choices = read(data, 'choices');
    const list = isArray(choices) ? choices.map((choice) => ({ index: read(choice, 'index'), finish_reason: read(choice, 'finish_reason'), message: read(choice, 'message') })) : [];
    const usage = openaiUsage(read(data, 'usage'), CHAT_USAGE, this.models);
    return {
      outputs: choicesOutputs(read(data, 'id'), read(data, 'model'), list),
      usage,
      usageNote: usage === undefined ? ['usage_missing', 'the completion carried no usage'] : undefined,
    };
  }

  item(chunk: unknown): boolean {
    if (!isRecord(chunk)) return true;
    this.id ??= read(chunk, 'id');
    this.models.responseModel ??= text(read(chunk, 'model'));
    const usage = read(chunk, 'usage');
    const choices = read(chunk, 'choices');
    if (this.askedUsage) {
      // The chunk the caller did not ask for: `choices: []` and the usage.
      if (isArray(choices) && choices.length === 0 && isRecord(usage)) {
        this.usage = usage;
        return false;
      }
      // With `include_usage` the API adds `usage: null` to every other chunk; the caller's stream has no such key.
      if (usage === null) delete chunk.usage;
    }
    if (isRecord(usage)) this.usage = usage;
    if (isArray(choices)) {
      for (const choice of choices) {
        const index = read(choice, 'index');
        const at = typeof index === 'number' ? index : 0;
        let state = this.choices.get(at);
        if (state === undefined) this.choices.set(at, (state = new ChoiceState(at)));
        state.add(read(choice, 'delta'), read(choice, 'finish_reason'));
      }
    }
    return true;
  }

  streamed(): Recorded {
    const usage = openaiUsage(this.usage, CHAT_USAGE, this.models);
    const received = this.id !== undefined || this.choices.size > 0;
    const choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((state) => ({ index: state.index, finish_reason: state.finishReason ?? null, message: state.message() }));
    return {
      outputs: received ? choicesOutputs(this.id, this.models.responseModel, choices) : undefined,
      usage,
      usageNote: usage === undefined ? ['usage_missing', this.askedUsage || includesUsage(this.args[0]) ? 'the stream carried no usage chunk' : 'the stream was not asked for its usage (stream_options.include_usage)'] : undefined,
    };
  }
}

function includesUsage(body: unknown): boolean {
  return read(read(body, 'stream_options'), 'include_usage') === true;
}

/**
 * The body asking for the stream's usage, when the caller did not say (`include_usage` absent):
 * a copy (the caller's object is never changed), or `undefined` when the caller said either way,
 * or when the body cannot be copied (then it is sent as it is).
 */
function withUsage(body: unknown): Record<string, unknown> | undefined {
  if (!isRecord(body)) return undefined;
  const streamOptions = read(body, 'stream_options');
  if (read(streamOptions, 'include_usage') !== undefined) return undefined;
  try {
    return { ...body, stream_options: { ...(isRecord(streamOptions) ? streamOptions : {}), include_usage: true } };
  } catch {
    return undefined; // a getter that throws: the client will say so itself
  }
}

/** The recording of one `chat.completions.create` call. */
export function chatRecording(args: readonly unknown[], settings: ChatSettings): CallRecording {
  return new ChatRecording(args, settings);
}
