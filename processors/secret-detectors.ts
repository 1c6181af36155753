/**
 * Kept only for the two modules that still import from here (issue 16 deletes this file once
 * processors/index.ts exports `LegacyDetectorName` from ./redact.js and test/processors/redact.test.ts
 * imports `passesLuhn` from src/redaction/scanner.js). `compileDetectors` is gone: use `createScanner`.
 */
export type { LegacyDetectorName } from './redact.js';
export { passesLuhn } from '../src/redaction/scanner.js';
