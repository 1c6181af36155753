/**
 * Exit safety: what a pipeline holds is written before the process ends, on `beforeExit`
 * (the event loop ran dry: async flush), `exit` (`process.exit()`: synchronous flush only) and
 * SIGTERM / SIGINT (synchronous flush, then an async flush bounded by a deadline, then the
 * signal is raised again so the process ends as it would have). One set of process listeners
 * serves every pipeline and is removed when the last pipeline shuts down.
 */

export interface ExitParticipant {
  /** Delivers everything it can synchronously. Never throws. */
  flushSync(): void;
  /** True while anything waits for delivery. */
  hasPending(): boolean;
  /** Async flush; never rejects. */
  flush(): Promise<void>;
  /** Deadline for the async flush after a signal, in ms. */
  readonly exitTimeoutMs: number;
}

const participants = new Set<ExitParticipant>();
let installed = false;
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

function flushAllSync(): void {
  for (const participant of participants) {
    try {
      participant.flushSync();
    } catch {
      // never let an exit hook throw
    }
  }
}

function onBeforeExit(): void {
  // Only when something is pending, so the next beforeExit finds nothing and the process ends.
  for (const participant of participants) {
    if (participant.hasPending()) void participant.flush();
  }
}

function onExit(): void {
  flushAllSync();
}

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  flushAllSync();
  const pending = [...participants].filter((p) => p.hasPending());
  if (pending.length > 0) {
    const deadline = Math.max(...pending.map((p) => p.exitTimeoutMs));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, deadline);
      void Promise.allSettled(pending.map((p) => p.flush())).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  // When the program has its own handler it decides when to exit; otherwise end as the
  // signal would have ended us.
  if (process.listenerCount(signal) <= 1) {
    uninstall();
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('beforeExit', onBeforeExit);
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Makes `participant` flush at process exit. */
export function registerForExit(participant: ExitParticipant): void {
  participants.add(participant);
  install();
}

/** Stops flushing `participant` at exit; the listeners go when no participant is left. */
export function unregisterForExit(participant: ExitParticipant): void {
  participants.delete(participant);
  if (participants.size === 0) uninstall();
}
