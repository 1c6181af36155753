/**
 * How `redact()` tells what threw, and what it reports of it. A throw inside redaction fails the
 * event closed (redact-fail-closed.ts); the report names the culprit (`patterns`, `redactors`,
 * `detectors`, or `payload` for a value that throws when read) and never quotes what it was
 * given: an error message is where a redactor's bug would print the very secret it was handed.
 */
import { createScanner, ALL_DETECTORS } from '../src/redaction/scanner.js';
import { REDACTED } from '../src/base/defaults.js';
import { sharesRun } from './redact-style.js';

/** What threw: the name it is counted under in `metrics().processors.redact.callbackErrors`. */
export type FailedPart = 'patterns' | 'detectors' | 'redactors' | 'payload';

/** A throw inside redaction, with what threw and the text it was working on. */
export class RedactFailure {
  constructor(
    readonly part: FailedPart,
    readonly error: unknown,
    readonly given?: string,
  ) {}
}

/** Reported messages are cut to this many characters (they only say what went wrong). */
const MAX_MESSAGE = 1000;
const WITHHELD = '(message withheld: it quotes the text being redacted)';

/** The built-in detectors alone (a user pattern may be what threw), for reported messages. */
let messageScanner: ReturnType<typeof createScanner> | undefined;

function scrub(text: string): string {
  try {
    messageScanner ??= createScanner({ detectors: ALL_DETECTORS });
    return messageScanner.mayHold(text) ? messageScanner.redact(text, () => REDACTED) : text;
  } catch {
    return '(message withheld)';
  }
}

function readable(error: unknown): { name: string; message: string } {
  try {
    if (error instanceof Error) return { name: String(error.name), message: String(error.message) };
    return { name: typeof error, message: String(error) };
  } catch {
    return { name: 'Error', message: '[unreadable]' };
  }
}

/**
 * The error to report for `failure`: same name, a message cut, withheld when it shares 4
 * characters with the text being redacted, and scrubbed by the built-in detectors.
 */
export function reportedError(failure: RedactFailure): Error {
  const { name, message } = readable(failure.error);
  let text = message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) + '…' : message;
  if (failure.given !== undefined && sharesRun(text, failure.given)) text = WITHHELD;
  const reported = new Error(scrub(text));
  reported.name = scrub(name.slice(0, 100));
  return reported;
}

/** `error` as a RedactFailure: itself when it is one, else a failure of reading the payload. */
export function asFailure(error: unknown): RedactFailure {
  return error instanceof RedactFailure ? error : new RedactFailure('payload', error);
}
