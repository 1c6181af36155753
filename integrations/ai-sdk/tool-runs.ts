import type { OpenOp } from '../../src/recording/open-op.js';

/**
 * One execution of a tool: its op, and what tells it apart from another run with the same
 * `toolCallId` (a provider that numbers tool calls per response reuses `call_0` every step; a
 * buggy one gives two calls of one response the same id).
 */
export interface ToolRun {
  /** `undefined` when nothing records it (tracing disabled, or optrail failed to start it). */
  readonly op: OpenOp | undefined;
  /** The op's frame while it runs: this integration's own `executeTool`, nested inside it, is a second registration. */
  readonly frame: unknown;
  /**
   * The SDK's tool call object: the very object of every event of this run, unless the SDK
   * copies it (`recordInputs` / `recordOutputs: false`, where every event gets its own copy).
   */
  readonly toolCall: unknown;
  /** How many times this integration wraps the run (registered twice: twice), so how many end events it gets. */
  registrations: number;
  /** End events given to this run so far (the first ends its op, the rest are repeats). */
  ends: number;
  /** When its `execute` settled, counted in the step (the SDK sends the end events in that order); `undefined` while it runs. */
  finished: number | undefined;
}

/** An end event matched to its run: `first` when it is the run's own end, not a repeat. */
export interface MatchedEnd {
  readonly run: ToolRun;
  readonly first: boolean;
  /** Matched by finishing order among runs with the same id, the events being copies: an inference worth reporting. */
  readonly inferred: boolean;
}

/**
 * The tool runs of one step, by `toolCallId`: an id names a run within its step only, so the
 * step's runs are forgotten when the step ends. A run is started by `executeTool` (called once
 * per run and registration, nested, so only there can one run be told from another); its end
 * event is matched by the tool call object when the SDK passes its own, else by finishing order.
 */
export class StepTools {
  private readonly runs = new Map<string, ToolRun[]>();
  private finishedCount = 0;

  /** The open run of `id` whose op `frame` is (the current frame): a nested `executeTool` of a second registration. */
  enclosing(id: string, frame: unknown): ToolRun | undefined {
    if (frame === undefined) return undefined;
    return this.runs.get(id)?.find((run) => run.frame === frame && run.finished === undefined);
  }

  /** Adds a run of `id`; the number of runs of `id` in this step, this one included. */
  add(id: string, run: ToolRun): number {
    const runs = this.runs.get(id);
    if (runs === undefined) {
      this.runs.set(id, [run]);
      return 1;
    }
    runs.push(run);
    return runs.length;
  }

  /** Marks `run`'s `execute` as settled, after every run that settled before it. */
  finish(run: ToolRun): void {
    if (run.finished === undefined) run.finished = this.finishedCount++;
  }

  /** How many runs `id` names in this step. */
  count(id: string): number {
    return this.runs.get(id)?.length ?? 0;
  }

  /**
   * The run an end event of `id` with `toolCall` belongs to: the run with that very tool call
   * object, else (copies) the first to finish of those still owed an end, else the first still
   * owed one; `undefined` when `id` has no run in this step (its `executeTool` never came).
   */
  matchEnd(id: string, toolCall: unknown): MatchedEnd | undefined {
    const runs = this.runs.get(id);
    if (runs === undefined) return undefined;
    const same = typeof toolCall === 'object' && toolCall !== null ? runs.find((run) => run.toolCall === toolCall) : undefined;
    if (same !== undefined) return { run: same, first: ++same.ends === 1, inferred: false };
    let owed: ToolRun | undefined;
    for (const run of runs) {
      if (run.ends >= run.registrations) continue;
      const earlier = owed === undefined || (run.finished !== undefined && (owed.finished === undefined || run.finished < owed.finished));
      if (earlier) owed = run;
    }
    // every run has had its ends: one more is a repeat of the last
    if (owed === undefined) return { run: runs[runs.length - 1]!, first: false, inferred: false };
    return { run: owed, first: ++owed.ends === 1, inferred: runs.length > 1 };
  }

  /** Ends every run still open with `end`, and forgets them all. */
  close(end: (op: OpenOp) => void): void {
    for (const runs of this.runs.values()) {
      for (const run of runs) if (run.op !== undefined) end(run.op);
    }
    this.runs.clear();
  }
}
