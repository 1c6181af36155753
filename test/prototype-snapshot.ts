/**
 * What recorded data could change on the built-in prototypes, as a list of `owner.key:type`:
 * the own properties of Object, Array, Function and String prototypes, and of every function
 * Object.prototype holds (`model: "constructor"` written through an inherited key lands on
 * `Object`, `"toString"` on the `toString` function). Read through descriptors, so no getter runs.
 */
export function prototypeSnapshot(): string[] {
  const targets: Array<[string, object]> = [
    ['Object.prototype', Object.prototype],
    ['Array.prototype', Array.prototype],
    ['Function.prototype', Function.prototype],
    ['String.prototype', String.prototype],
  ];
  for (const key of Reflect.ownKeys(Object.prototype)) {
    const value = Object.getOwnPropertyDescriptor(Object.prototype, key)!.value;
    if (typeof value === 'function') targets.push([`Object.prototype.${String(key)}`, value]);
  }
  const out: string[] = [`Object.prototype's prototype:${String(Object.getPrototypeOf(Object.prototype))}`];
  for (const [owner, target] of targets) {
    for (const key of Reflect.ownKeys(target)) {
      const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
      out.push(`${owner}.${String(key)}:${'value' in descriptor ? typeof descriptor.value : 'accessor'}`);
    }
  }
  return out;
}

/** What changed between two snapshots. */
export function prototypeChanges(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  return { added: after.filter((k) => !before.includes(k)), removed: before.filter((k) => !after.includes(k)) };
}
