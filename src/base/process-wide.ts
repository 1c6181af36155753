/**
 * State that every copy of optrail loaded in one process must share.
 *
 * A process often holds several copies of this package: the ESM build imported by the app and
 * the CommonJS build required by one of its libraries (each build has its own module state), or
 * two installs in different `node_modules` folders. State that decides what is recorded (the
 * current frame, the default pipeline) or how the process exits (the exit listeners) must be one
 * per process, not one per copy, so it lives on `globalThis` under a `Symbol.for` key, made by
 * whichever copy asks first.
 *
 * Each key ends in a version (`optrail.frameStorage.v1`) that names the shape of what is shared:
 * the value's fields and every method one copy calls on objects another copy made. A change a
 * copy of another version would misread takes a new version, so copies that cannot understand
 * each other keep separate state (the other copy's ops run untraced in its requests) instead of
 * reading fields that are not there. Changes both old and new copies read correctly keep the key.
 */

/**
 * The process-wide value under `Symbol.for(key)`: the one already there when `isValid` accepts
 * it, else `make()`, stored for the copies that come later. The property is neither writable nor
 * configurable, so nothing replaces the shared value while frames or listeners refer to it; when
 * it cannot be defined (a frozen `globalThis`), this copy keeps its own value.
 */
export function processWide<T>(key: string, isValid: (value: unknown) => value is T, make: () => T): T {
  const symbol = Symbol.for(key);
  const holder = globalThis as Record<symbol, unknown>;
  const existing = holder[symbol];
  if (isValid(existing)) return existing;
  const value = make();
  try {
    Object.defineProperty(globalThis, symbol, { value, enumerable: false, writable: false, configurable: false });
  } catch {
    // a frozen globalThis, or the key taken by something that is not ours: keep our own value
  }
  return value;
}
