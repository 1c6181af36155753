/**
 * The value detectors of `redact`, kept here for code that imported them from this module: they
 * live in src/redaction/ now (hand-written, linear-time detectors behind one scanner).
 * `compileDetectors` is the old entry point, a thin layer over `createScanner`.
 */
import { ALL_DETECTORS, createScanner, type DetectorName, type NamedPattern } from '../src/redaction/scanner.js';

export { ALL_DETECTORS, passesLuhn, type DetectorName, type NamedPattern } from '../src/redaction/scanner.js';

/** Detector names of earlier releases: `apiKey` (every provider's keys) and `bearer` (now `authScheme`). */
export type LegacyDetectorName = 'apiKey' | 'bearer';

const LEGACY: Record<LegacyDetectorName, readonly DetectorName[]> = {
  apiKey: ['openai', 'anthropic', 'aws', 'github', 'stripe', 'slack', 'google'],
  bearer: ['authScheme'],
};

/** A compiled set of detectors. `scan` returns the text with each secret replaced by `replace(secret, kind)`. */
export interface Detectors {
  scan(text: string, replace: (secret: string, kind: string) => string): string;
}

/** The detectors `names` (today's or legacy ones) and `patterns`, as one `scan`. */
export function compileDetectors(names: ReadonlyArray<DetectorName | LegacyDetectorName>, patterns: readonly NamedPattern[]): Detectors {
  const detectors = names.flatMap((name) => (Object.hasOwn(LEGACY, name) ? LEGACY[name as LegacyDetectorName] : [name as DetectorName]));
  const scanner = createScanner({ detectors: ALL_DETECTORS.filter((name) => detectors.includes(name)), patterns });
  return { scan: (text, replace) => scanner.redact(text, replace) };
}
