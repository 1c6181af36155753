/**
 * What an object key means to `redact()`: whether values under it are secret (the secret key
 * names of src/redaction/secret-keys.ts, your `keys`, `extraKeys` and `allowKeys`), and the key as
 * it comes out (a secret in the key itself replaced by its hash token, then your redactors, told
 * no key). Decided once per distinct key: keys repeat across events.
 */
import { DEFAULT_REDACTION_CACHE_SIZE } from '../src/defaults.js';
import { BoundedMap } from './define.js';
import { cleanLabel } from './redact-style.js';
import type { NameCache } from './redact-text.js';

/** What a key means, decided once per distinct key. */
export interface KeyRule {
  /** The key as it comes out. */
  readonly name: string;
  /** True when values under it are secret whatever they hold. */
  readonly secret: boolean;
  /** What tokens of its values say (`partial`, `indexed`): the key, or `secret` when the key itself held one. */
  readonly label: string;
}

export type KeyRules = (key: string) => KeyRule;

/** Keys longer than this are decided every time (the cache stays small). */
const LONGEST_CACHED_KEY = 256;

/** The cached rule of every key: `isSecret` decides secrecy, `names` redacts the key itself. */
export function keyRules(isSecret: (key: string) => boolean, names: NameCache): KeyRules {
  const known = new BoundedMap<string, KeyRule>(DEFAULT_REDACTION_CACHE_SIZE);
  return (key) => {
    const rule = known.get(key);
    if (rule !== undefined) return rule;
    const name = names.get(key);
    const decided: KeyRule = Object.freeze({ name, secret: isSecret(key), label: name === key ? cleanLabel(key) : 'secret' });
    if (key.length <= LONGEST_CACHED_KEY) known.set(key, decided);
    return decided;
  };
}
