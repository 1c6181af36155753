import type { Telemetry } from 'ai';
import { startOp, type OpenOp } from '../../src/recording/open-op.js';
import { DEFAULT_AI_SDK_MAX_OPEN_CALLS } from '../../src/base/defaults.js';
import {
  embedCallInputs,
  embedCallOutputs,
  embeddingUsage,
  languageModelUsage,
  modelCallInputs,
  modelCallOutputs,
  objectCallOutputs,
  operationInputs,
  operationOutputs,
  stepOutputs,
  toolInputs,
  type EventFields,
} from './fields.js';
import { currentFrame } from '../../src/recording/context.js';
import { closeOpen, closeStepChildren, OpenCalls, type ModelCall, type OpenCall } from './open-calls.js';
import type { ToolRun } from './tool-runs.js';
import { parseTelemetryOptions } from './options.js';

/** Options of `optrailTelemetry`. */
export interface OptrailTelemetryOptions {
  /**
   * Most AI SDK calls kept open at once (default `DEFAULT_AI_SDK_MAX_OPEN_CALLS`, 10,000). A
   * call the SDK never ends (a `streamText` whose stream is never read, or is cancelled by its
   * reader: `reader.cancel()`, a `break` out of `for await`) is forgotten once this many newer
   * calls are open: its ops end `cancelled` (an open model call with its usage `cost_unknown`)
   * and the loss is counted in the pipeline's `internalErrors`.
   */
  maxOpenCalls?: number;
}

/** Op names: the operation's own (`ai.generateText`, `ai.streamText`, …), then these below it. */
const STEP_OP = 'ai.step';
const MODEL_CALL_OP = 'ai.languageModelCall';
const EMBED_CALL_OP = 'ai.embeddingModelCall';
const TOOL_OP_PREFIX = 'ai.tool.';
/** An operation whose `operationId` is missing. */
const UNNAMED_OPERATION = 'ai.call';

function fieldsOf(event: unknown): EventFields {
  return typeof event === 'object' && event !== null ? (event as EventFields) : {};
}

function idOf(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/** A child op of `parent`, or none when the parent is not recorded (a child must never land elsewhere). */
function child(parent: OpenOp | undefined, name: string, inputs: Record<string, unknown>): OpenOp | undefined {
  return parent === undefined ? undefined : startOp(name, inputs, { parent });
}

/**
 * Runs the SDK's `execute` once, inside `op` when there is one: what it returns or throws is the
 * SDK's; a failure of optrail's own before `execute` ran is reported and `execute` runs bare.
 */
function runInside<T>(op: OpenOp | undefined, execute: () => PromiseLike<T>, report: (error: unknown) => void): PromiseLike<T> {
  let ran = false;
  const once = () => {
    ran = true;
    return execute();
  };
  try {
    return op === undefined || op.ended ? once() : op.run(once);
  } catch (error) {
    if (ran) throw error; // the SDK's own throw
    report(error);
    return execute();
  }
}

/**
 * An optrail integration for the Vercel AI SDK (`ai` 7), through the SDK's own `Telemetry`
 * interface. Register it once for every call, or per call:
 *
 * ```ts no-run
 * registerTelemetry(optrailTelemetry());
 * await generateText({ model, prompt, telemetry: { integrations: [optrailTelemetry()] } });
 * ```
 *
 * Each `generateText`, `streamText`, `generateObject`, `streamObject`, `embed` and `embedMany`
 * becomes an op named by the SDK's operation id (`ai.generateText`, …) under the caller's current
 * op (outside any request: a request of the default pipeline). Under it: one `ai.step` per step
 * with one `ai.languageModelCall` (provider, model, messages and settings in; finish reason, whole
 * text, tool calls, time to first output out; its `llm_usage` with cache and reasoning tokens,
 * priced by the pipeline), and one `ai.tool.<name>` per tool execution (input in; output, or its
 * error). The model call and the tool run inside their op (`executeLanguageModelCall`,
 * `executeTool`), so `op()` calls made there nest under it. An abort ends the open ops
 * `cancelled`, an error `error`. What the SDK leaves out under `recordInputs` / `recordOutputs:
 * false` is not recorded; optrail's capture limits and credential redaction apply as to any op.
 *
 * A model call that ends without its end event (a stream cut before its finish part, an abort,
 * an error) still records an `llm_usage`: its model and provider with `cost_unknown: true`, as
 * does a call whose provider reports no token counts, so a request's cost never looks complete
 * when it is not. Every op ends before its parent. A tool call id names a run within its step
 * (providers reuse `call_0` every step); two runs of one step with the same id are two ops.
 *
 * A stream cancelled by its reader (`reader.cancel()`, or a `break` out of `for await` over
 * `textStream`) gets no SDK callback at all, so its ops stay open until `maxOpenCalls` newer
 * calls evict them; they end `cancelled` then, and the eviction is counted in `internalErrors`.
 * To end them at once, pass the call an `abortSignal` and abort it when you stop reading.
 *
 * Every method returns normally whatever happens inside optrail (a failure is counted in the
 * pipeline's `internalErrors`), and the model call's and tool's own results and errors pass
 * through unchanged. A wrong option is a `TypeError` here, naming it.
 *
 * @param options see `OptrailTelemetryOptions` (default `{}`: every default)
 * @returns the `Telemetry` object to register (`registerTelemetry`) or to give per call
 */
export function optrailTelemetry(options: OptrailTelemetryOptions = {}): Telemetry {
  const calls = new OpenCalls(parseTelemetryOptions(options).maxOpenCalls ?? DEFAULT_AI_SDK_MAX_OPEN_CALLS);

  /** Whether an event without a call id (not from `ai` 7: `ai` 6 calls some of the same methods) was reported. */
  let reportedForeign = false;

  /**
   * Runs a handler; what it throws is counted, never thrown into the SDK. An event with no
   * `callId` is not one of `ai` 7's: it is ignored (a call cannot be followed without its id),
   * and reported once.
   */
  const guard =
    (where: string, handler: (event: EventFields) => void) =>
    (event: unknown): void => {
      try {
        const fields = fieldsOf(event);
        if (typeof fields.callId !== 'string') {
          if (!reportedForeign) {
            reportedForeign = true;
            calls.report(undefined, where, new Error(`optrail/ai-sdk: ${where} got an event without a callId (optrailTelemetry needs ai 7): not recorded`));
          }
          return;
        }
        handler(fields);
      } catch (error) {
        calls.report(undefined, where, error);
      }
    };

  /** The open call of an event, or `undefined` (reported when unexpected). */
  const callOf = (event: EventFields, where: string): OpenCall | undefined => calls.get(idOf(event.callId), where);

  const startModelCall = (call: OpenCall, event: EventFields): ModelCall => {
    call.modelEnded = false;
    call.model = {
      op: child(call.step ?? call.root, MODEL_CALL_OP, modelCallInputs(event)),
      requestModel: event.modelId,
      unreported: languageModelUsage(undefined, event.modelId, undefined, event.provider),
    };
    return call.model;
  };

  /**
   * Starts a run of the tool call `toolCall` (with id `id`) in the open step. `toolCall` is the
   * SDK's object, kept to match the run's end event by identity.
   */
  const startToolRun = (call: OpenCall, id: string, toolCall: unknown): ToolRun => {
    const fields = fieldsOf(toolCall);
    const op = child(call.step ?? call.root, TOOL_OP_PREFIX + String(fields.toolName), toolInputs({ ...fields, toolCallId: id }));
    const run: ToolRun = { op, frame: op?.run(currentFrame), toolCall, registrations: 1, ends: 0, finished: undefined };
    call.tools.add(id, run);
    return run;
  };

  /**
   * The open model call of `call` for an end event: the one started, or (its start never came)
   * one opened now so that its usage is still recorded; `undefined` for a repeated end.
   */
  const modelCallToEnd = (call: OpenCall, event: EventFields): ModelCall | undefined => {
    if (call.model === undefined && call.modelEnded) return undefined;
    const model = call.model ?? startModelCall(call, event);
    call.model = undefined;
    call.modelEnded = true;
    return model.op === undefined || model.op.ended ? undefined : model;
  };

  const startEmbedCall = (call: OpenCall, event: EventFields): ModelCall => ({
    op: child(call.root, EMBED_CALL_OP, embedCallInputs(event)),
    requestModel: event.modelId,
    unreported: embeddingUsage(undefined, event.modelId, event.provider),
  });

  /** Ends the call: its open children with `closing`, then its root with `endRoot`. */
  const finishCall = (call: OpenCall, endRoot: (root: OpenOp) => void, failure?: unknown): void => {
    calls.finish(call);
    closeOpen(call, failure === undefined ? { kind: 'cancel' } : { kind: 'fail', error: failure }, true);
    if (call.root !== undefined) endRoot(call.root);
  };

  const telemetry: Telemetry = {
    onStart: guard('onStart', (event) => {
      const name = typeof event.operationId === 'string' && event.operationId !== '' ? event.operationId : UNNAMED_OPERATION;
      const callId = idOf(event.callId);
      if (calls.isOpen(callId)) return; // a repeated onStart
      calls.begin(callId, startOp(name, operationInputs(event)));
    }),

    onStepStart: guard('onStepStart', (event) => {
      const call = callOf(event, 'onStepStart');
      if (call === undefined) return;
      const stepNumber = typeof event.stepNumber === 'number' ? event.stepNumber : call.stepNumber + 1;
      if (call.step !== undefined && call.stepNumber === stepNumber) return; // a repeated onStepStart
      if (call.step !== undefined) closeOpen(call, { kind: 'cancel' }, true); // the previous step's end never came
      call.stepNumber = stepNumber;
      call.step = child(call.root, STEP_OP, { step: stepNumber });
    }),

    onLanguageModelCallStart: guard('onLanguageModelCallStart', (event) => {
      const call = callOf(event, 'onLanguageModelCallStart');
      if (call === undefined || call.model !== undefined) return; // not open, or a repeated start
      startModelCall(call, event);
    }),

    onLanguageModelCallEnd: guard('onLanguageModelCallEnd', (event) => {
      const call = callOf(event, 'onLanguageModelCallEnd');
      if (call === undefined) return;
      const model = modelCallToEnd(call, event);
      if (model === undefined) return;
      model.op!.recordUsage(languageModelUsage(event.usage, model.requestModel ?? event.modelId, event.modelId, event.provider));
      model.op!.end(modelCallOutputs(event));
    }),

    onObjectStepStart: guard('onObjectStepStart', (event) => {
      const call = callOf(event, 'onObjectStepStart');
      if (call === undefined || call.model !== undefined) return;
      startModelCall(call, event);
    }),

    onObjectStepEnd: guard('onObjectStepEnd', (event) => {
      const call = callOf(event, 'onObjectStepEnd');
      if (call === undefined) return;
      const model = modelCallToEnd(call, event);
      if (model === undefined) return;
      const response = fieldsOf(event.response);
      model.op!.recordUsage(languageModelUsage(event.usage, model.requestModel ?? event.modelId, response.modelId ?? event.modelId, event.provider));
      model.op!.end(objectCallOutputs(event));
    }),

    // No onToolExecutionStart: a tool run's op starts in executeTool, which the SDK calls right
    // after it for the same run (once per registration, nested): only there can two runs with
    // one toolCallId, or a second registration's repeat, be told apart.

    onToolExecutionEnd: guard('onToolExecutionEnd', (event) => {
      const call = callOf(event, 'onToolExecutionEnd');
      if (call === undefined) return;
      const id = idOf(fieldsOf(event.toolCall).toolCallId);
      // an end whose executeTool never came still records the outcome: open and end the op now
      const matched = call.tools.matchEnd(id, event.toolCall) ?? { run: startToolRun(call, id, event.toolCall), first: true, inferred: false };
      if (!matched.first) return; // a repeated end (registered twice)
      if (matched.inferred && !call.reportedDuplicate) {
        call.reportedDuplicate = true;
        calls.report(
          call,
          'onToolExecutionEnd',
          new Error(
            `toolCallId ${JSON.stringify(id).slice(0, 200)} names ${call.tools.count(id)} tool runs in step ${call.stepNumber}, and the SDK's events are copies (recordInputs / recordOutputs: false): each end was given to the run that finished first`,
          ),
        );
      }
      const op = matched.run.op;
      if (op === undefined) return;
      const output = fieldsOf(event.toolOutput);
      if (output.type === 'tool-error') op.fail(output.error);
      else op.end(output.output);
    }),

    onStepEnd: guard('onStepEnd', (event) => {
      const call = callOf(event, 'onStepEnd');
      if (call === undefined || call.step === undefined) return;
      // what the step left open (a stream cut before its finish part) ends before the step
      closeStepChildren(call, { kind: 'cancel' });
      const step = call.step;
      call.step = undefined;
      step.end(stepOutputs(event));
    }),

    onStepError: guard('onStepError', (event) => {
      const call = callOf(event, 'onStepError');
      if (call === undefined) return;
      closeOpen(call, { kind: 'fail', error: event.error }, true);
    }),

    onEmbedStart: guard('onEmbedStart', (event) => {
      const call = callOf(event, 'onEmbedStart');
      const id = idOf(event.embedCallId);
      if (call === undefined || call.embeds.has(id) || call.endedEmbeds.has(id)) return;
      call.embeds.set(id, startEmbedCall(call, event));
    }),

    onEmbedEnd: guard('onEmbedEnd', (event) => {
      const call = callOf(event, 'onEmbedEnd');
      if (call === undefined) return;
      const id = idOf(event.embedCallId);
      if (call.endedEmbeds.has(id)) return;
      const op = (call.embeds.get(id) ?? startEmbedCall(call, event)).op;
      call.embeds.delete(id);
      call.endedEmbeds.add(id);
      if (op === undefined || op.ended) return;
      op.recordUsage(embeddingUsage(event.usage, event.modelId, event.provider));
      op.end(embedCallOutputs(event));
    }),

    onEnd: guard('onEnd', (event) => {
      const call = callOf(event, 'onEnd');
      if (call === undefined) return;
      // streamObject reports a validation failure in its end event (its `object` promise rejects)
      if (event.error !== undefined && event.error !== null) finishCall(call, (root) => root.fail(event.error), event.error);
      else finishCall(call, (root) => root.end(operationOutputs(event)));
    }),

    onAbort: guard('onAbort', (event) => {
      const call = callOf(event, 'onAbort');
      if (call === undefined) return;
      finishCall(call, (root) => root.cancel());
    }),

    onError: guard('onError', (event) => {
      const call = callOf(event, 'onError');
      if (call === undefined) return;
      const error = 'error' in event ? event.error : event;
      finishCall(call, (root) => root.fail(error), error);
    }),

    executeLanguageModelCall: (options) => {
      let op: OpenOp | undefined;
      try {
        const call = calls.get(idOf(options.callId), 'executeLanguageModelCall');
        if (call !== undefined) op = (call.model ?? startModelCall(call, fieldsOf(options))).op;
      } catch (error) {
        calls.report(undefined, 'executeLanguageModelCall', error);
      }
      return runInside(op, () => options.execute(), (error) => calls.report(undefined, 'executeLanguageModelCall', error));
    },

    executeTool: (options) => {
      const report = (error: unknown) => calls.report(undefined, 'executeTool', error);
      let run: ToolRun | undefined;
      let tools: OpenCall['tools'] | undefined;
      try {
        const call = calls.get(idOf(options.callId), 'executeTool');
        if (call !== undefined) {
          const id = idOf(options.toolCallId);
          const enclosing = call.tools.enclosing(id, currentFrame());
          // this integration's own executeTool around this one: registered twice, the same run
          if (enclosing !== undefined) enclosing.registrations++;
          else {
            tools = call.tools;
            run = startToolRun(call, id, options.toolCall);
          }
        }
      } catch (error) {
        report(error);
      }
      const result = runInside(run?.op, () => options.execute(), report);
      if (run !== undefined && tools !== undefined) {
        const finished = run;
        const step = tools;
        // when it settles, for matching its end event by finishing order (a handled side chain: the result is the SDK's, unchanged)
        try {
          Promise.resolve(result).then(
            () => step.finish(finished),
            () => step.finish(finished),
          );
        } catch (error) {
          report(error);
        }
      }
      return result;
    },
  };
  return telemetry;
}
