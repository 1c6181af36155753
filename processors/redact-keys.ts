/**
 * What an object key means to `redact()`: whether values under it are secret (the secret key
 * names of src/redaction/secret-keys.ts, your `keys`, `extraKeys` and `allowKeys`), and the key as
 * it comes out (a secret in the key itself replaced by its hash token, then your redactors, told
 * no key). Decided once per distinct key: keys repeat across events.
 */
import { cleanLabel } from './redact-style.js';
import { Decisions, type NameCache } from './redact-text.js';

/** What a key means, decided once per distinct key. */
export interface KeyRule {
  /** The key as it comes out. */
  readonly name: string;
  /** True when values under it are secret whatever they hold. */
  readonly secret: boolean;
  /** What tokens of its values say (`partial`, `indexed`): the key, or `secret` when the key itself held one. */
  readonly label: string;
}

/** The decision function: the rule of a key. */
export type KeyRules = (key: string) => KeyRule;

/** The cached rule of every key: `isSecret` decides secrecy, `names` redacts the key itself. */
export function keyRules(isSecret: (key: string) => boolean, names: NameCache): KeyRules {
  const known = new Decisions<KeyRule>();
  return (key) => {
    const rule = known.get(key);
    if (rule !== undefined) return rule;
    const name = names.get(key);
    const decided: KeyRule = Object.freeze({ name, secret: isSecret(key), label: name === key ? cleanLabel(key) : 'secret' });
    known.remember(key, decided);
    return decided;
  };
}
