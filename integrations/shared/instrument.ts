/**
 * Instrumenting a client object in place. The OpenAI and Anthropic clients keep their state in
 * `#private` fields, which a Proxy cannot reach (a method called on the Proxy throws a
 * TypeError), and the caller must get the very object it passed in (`===`, `instanceof`, its own
 * fields): so optrail defines an own, non-enumerable method over the prototype's on the resource
 * objects it traces (`client.chat.completions.create`; see `defineMethod`). Nothing else of the client changes:
 * `Object.keys`, JSON, the prototype chain and every other method are as before.
 */

/**
 * Marks `client` traced by `integration` (`openai`, `anthropic`); false when it already was (by
 * this copy of optrail or another one), or when it cannot be marked (a frozen object: then it is
 * not traced, and the caller sees it as it is). The mark is a registered symbol, so that two copies
 * of optrail in one process (the ESM and CommonJS builds) see each other's and never record a call
 * twice; one per integration, so a client handed to the wrong one first is still traced by the right one.
 */
export function markTraced(client: object, integration: string): boolean {
  const mark = Symbol.for(`optrail.tracedClient.v1.${integration}`);
  try {
    if (Object.prototype.hasOwnProperty.call(client, mark)) return false;
    Object.defineProperty(client, mark, { value: true, enumerable: false, configurable: true, writable: false });
    return true;
  } catch {
    return false;
  }
}

type AnyFunction = (this: unknown, ...args: any[]) => any;

/**
 * Defines `target[key]` as `wrap(original)` (see `defineMethod`), with the original's `name` and
 * `length`. Returns false (and changes nothing) when `target[key]` is no function or the property
 * cannot be defined.
 */
export function replaceMethod(target: object, key: string | symbol, wrap: (original: AnyFunction) => AnyFunction): boolean {
  let original: unknown;
  try {
    original = (target as Record<string | symbol, unknown>)[key];
  } catch {
    return false;
  }
  if (typeof original !== 'function') return false;
  const replacement = wrap(original as AnyFunction);
  try {
    Object.defineProperty(replacement, 'name', { value: original.name, configurable: true });
    Object.defineProperty(replacement, 'length', { value: original.length, configurable: true });
  } catch {
    // a name is cosmetic
  }
  return defineMethod(target, key, replacement);
}

/**
 * Defines `target[key]` as `value`: over an own property with that property's flags (an SDK that
 * sets a method on the instance keeps it enumerable, so `Object.keys` is unchanged), else as an
 * own, non-enumerable one shadowing the prototype's. False when it cannot be defined.
 */
export function defineMethod(target: object, key: string | symbol, value: unknown): boolean {
  try {
    const own = Object.getOwnPropertyDescriptor(target, key);
    const flags = own === undefined ? { enumerable: false, writable: true, configurable: true } : { enumerable: own.enumerable, writable: true, configurable: own.configurable };
    Object.defineProperty(target, key, { ...flags, value });
    return true;
  } catch {
    return false;
  }
}

/** `client[path[0]][path[1]]…`, or `undefined` when a step is missing or throws. */
export function resourceAt(client: object, path: readonly string[]): object | undefined {
  let at: unknown = client;
  for (const key of path) {
    try {
      at = (at as Record<string, unknown>)[key];
    } catch {
      return undefined;
    }
    if ((typeof at !== 'object' && typeof at !== 'function') || at === null) return undefined;
  }
  return at as object;
}
