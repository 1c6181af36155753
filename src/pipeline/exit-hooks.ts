/**
 * Exit safety: what a pipeline holds is written before the process ends, on `beforeExit`
 * (the event loop ran dry: async flush), `exit` (`process.exit()`, an uncaught exception:
 * synchronous flush only) and SIGTERM / SIGINT (synchronous flush, then an async flush bounded
 * by a deadline, then the signal is raised again so the process ends as it would have). Before
 * each of these flushes (a signal: only when it ends the process) every participant releases
 * what it holds before delivery (`releaseHeld`). One set of process listeners
 * serves every pipeline and is removed when the last pipeline shuts down.
 *
 * "One set" holds across copies of optrail in the process (the ESM and the CommonJS build, see
 * src/base/process-wide.ts): the participants and the installed listeners are shared. With a set per
 * copy each copy's signal handler would see the other's as "the program's own handler" and
 * neither would raise the signal again, so SIGTERM would no longer end the process.
 */
import { processWide } from '../base/process-wide.js';
import { holdingEventLoop, settlesWithin } from '../base/timeout.js';

export interface ExitParticipant {
  /** Delivers everything it can synchronously. Never throws. */
  flushSync(): void;
  /** True while anything waits for delivery. */
  hasPending(): boolean;
  /** Async flush; never rejects. */
  flush(): Promise<void>;
  /** Deadline for the async flush after a signal, in ms. */
  readonly exitTimeoutMs: number;
  /**
   * The program's work is over: release what is held before delivery (events processors hold,
   * open groups closed as `truncated`, requests waiting for their end ended) so the flush that
   * follows writes them. Never throws. Optional: a participant of an older copy may lack it.
   */
  releaseHeld?(): void;
}

/** What the copies share: the participants, and how to remove the listeners a copy installed. */
interface ExitRegistry {
  readonly participants: Set<ExitParticipant>;
  /** Set while listeners are installed: removes them (those of the copy that installed them). */
  uninstall: (() => void) | undefined;
}

/** Versioned as src/base/process-wide.ts says: a registry or participant of another shape takes a new key. */
const EXIT_REGISTRY_KEY = 'optrail.exitHooks.v1';

const registry: ExitRegistry = processWide(
  EXIT_REGISTRY_KEY,
  (value): value is ExitRegistry => typeof value === 'object' && value !== null && (value as ExitRegistry).participants instanceof Set,
  () => ({ participants: new Set<ExitParticipant>(), uninstall: undefined }),
);
const participants = registry.participants;
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

function releaseAllHeld(): void {
  for (const participant of participants) {
    try {
      participant.releaseHeld?.();
    } catch {
      // never let an exit hook throw
    }
  }
}

function onBeforeExit(): void {
  // The event loop ran dry: nothing the program does can add to what processors hold.
  releaseAllHeld();
  // Only when something is pending, so the next beforeExit finds nothing and the process ends.
  for (const participant of participants) {
    if (participant.hasPending()) void participant.flush();
  }
}

function onExit(): void {
  releaseAllHeld();
  flushAllSync();
}

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  // Without a handler of the program's own the signal ends the process: release what is held.
  // With one, the program decides, and goes on recording through the same processors.
  const ending = process.listenerCount(signal) <= 1;
  if (ending) releaseAllHeld();
  flushAllSync();
  const pending = [...participants].filter((p) => p.hasPending());
  if (pending.length > 0) {
    const deadline = Math.max(...pending.map((p) => p.exitTimeoutMs));
    // Held: with the signal's default action suspended, nothing else may keep the process alive.
    await holdingEventLoop(() => settlesWithin(Promise.allSettled(pending.map((p) => p.flush())), deadline));
  }
  // When the program has its own handler it decides when to exit; otherwise end as the
  // signal would have ended us.
  if (process.listenerCount(signal) <= 1) {
    uninstall();
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (registry.uninstall) return;
  registry.uninstall = removeListeners;
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function removeListeners(): void {
  process.off('beforeExit', onBeforeExit);
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Removes the listeners, whichever copy installed them. */
function uninstall(): void {
  const remove = registry.uninstall;
  registry.uninstall = undefined;
  remove?.();
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
