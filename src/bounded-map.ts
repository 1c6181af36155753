/**
 * A Map that forgets its oldest entry past `max` entries, calling `onEvict` for it: the one
 * "remember at most N" mechanism, for state kept per request or per id.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(
    private readonly max: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.max) {
      const oldest = this.keys().next().value as K;
      const evicted = this.get(oldest)!;
      this.delete(oldest);
      this.onEvict?.(oldest, evicted);
    }
    return super.set(key, value);
  }
}
