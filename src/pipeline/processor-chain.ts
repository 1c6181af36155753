import { Subject, type Subscription } from 'rxjs';
import type { TraceEvent } from '../../schemas/trace-event.js';
import { processorName, reportingTo, type ProcessorReporter } from './processor-reporter.js';
import type { Processor } from './exporter-types.js';

/** What a chain tells its pipeline. */
export interface ChainHooks {
  readonly reporter: ProcessorReporter;
  /** A processor failed; its stage has already been restarted. Must not throw. */
  processorFailed(name: string, error: unknown, lastInput: TraceEvent | undefined): void;
}

/**
 * One processor, isolated: it reads from its own Subject, and when it errors (which ends an
 * RxJS stream) the failure is reported and the stage is subscribed again with fresh state, so
 * one bad processor costs what it held, not the pipeline.
 */
class Stage {
  private readonly input = new Subject<TraceEvent>();
  private subscription: Subscription | undefined;
  private lastInput: TraceEvent | undefined;
  private completed = false;

  constructor(
    private readonly operator: Processor,
    readonly name: string,
    private readonly downstream: (event: TraceEvent) => void,
    private readonly onComplete: () => void,
    private readonly hooks: ChainHooks,
  ) {
    this.subscribe();
  }

  push(event: TraceEvent): void {
    this.lastInput = event;
    this.input.next(event);
  }

  complete(): void {
    this.input.complete();
  }

  private subscribe(): void {
    try {
      this.subscription = this.input.pipe(reportingTo(this.operator, this.hooks.reporter)).subscribe({
        next: (event) => this.downstream(event),
        error: (error: unknown) => this.restart(error),
        complete: () => this.finish(),
      });
    } catch (error) {
      this.restart(error);
    }
  }

  private restart(error: unknown): void {
    this.subscription?.unsubscribe();
    this.hooks.processorFailed(this.name, error, this.lastInput);
    if (this.input.closed || this.input.isStopped) {
      this.finish();
      return;
    }
    this.subscribe();
  }

  private finish(): void {
    if (this.completed) return;
    this.completed = true;
    this.onComplete();
  }
}

/**
 * The processors of a pipeline, in order, in front of `sink`. `complete()` completes them one
 * after the other (so each can emit what it holds, such as open groups) and resolves when the
 * last one has completed.
 */
export class ProcessorChain {
  private readonly head: (event: TraceEvent) => void;
  private readonly stages: Stage[] = [];
  private completion: Promise<void> | undefined;
  private resolveCompletion!: () => void;

  constructor(processors: readonly Processor[], sink: (event: TraceEvent) => void, hooks: ChainHooks) {
    const done = new Promise<void>((resolve) => (this.resolveCompletion = resolve));
    let downstream = sink;
    let onComplete: () => void = () => this.resolveCompletion();
    const names = processors.map((operator, i) => processorName(operator, i));
    for (let i = processors.length - 1; i >= 0; i--) {
      const stage = new Stage(processors[i]!, names[i]!, downstream, onComplete, hooks);
      this.stages.unshift(stage);
      downstream = (event) => stage.push(event);
      onComplete = () => stage.complete();
    }
    this.head = downstream;
    const completeFirst = onComplete;
    this.completeFirst = () => {
      completeFirst();
      return done;
    };
  }

  private readonly completeFirst: () => Promise<void>;

  push(event: TraceEvent): void {
    this.head(event);
  }

  /** Names of the processors in order (for metrics). */
  get names(): string[] {
    return this.stages.map((s) => s.name);
  }

  complete(): Promise<void> {
    return (this.completion ??= this.completeFirst());
  }
}
