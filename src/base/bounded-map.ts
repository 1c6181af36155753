/** Map's key equality (SameValueZero): `NaN` equals `NaN`. */
const sameKey = (a: unknown, b: unknown): boolean => a === b || (a !== a && b !== b);

/**
 * A Map that forgets its oldest entry past `max` entries, calling `onEvict` for it: the one
 * "remember at most N, forget the oldest" mechanism, for state kept per request, per id or per
 * string. A caller whose bound is not a count (bytes held, a decision with side effects) gives
 * no `max` and forgets `oldest()` itself. Both are O(1) (amortised) whatever was deleted before.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  /**
   * One live iterator, kept: a fresh `keys()` per eviction walks every deleted slot before the
   * oldest entry (≈ 10 µs per set at 10,000 entries); this one resumes where it stopped. Every
   * entry before it has been deleted, so the next one it yields is the oldest.
   */
  private cursor: MapIterator<[K, V]> | undefined;
  /** The key `cursor` stopped at (it is still in the map: `delete` forgets it), when `hasHead`. */
  private headKey: K | undefined;
  private hasHead = false;

  /**
   * @param max most entries kept (default `Infinity`: only `oldest()` is of use then)
   * @param onEvict told of each entry `set` forgets to stay within `max` (not of `delete` or `clear`)
   */
  constructor(
    private readonly max = Infinity,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    super();
  }

  /** The oldest entry (first set, not set again since it was deleted), or `undefined` when empty. Does not remove it. */
  oldest(): [K, V] | undefined {
    if (!this.hasHead) {
      let next = (this.cursor ??= super.entries()).next();
      // A finished iterator stays finished, even once entries are added: take a new one.
      if (next.done) next = (this.cursor = super.entries()).next();
      if (next.done) return undefined;
      this.headKey = next.value[0];
      this.hasHead = true;
    }
    const key = this.headKey as K;
    return [key, super.get(key) as V];
  }

  override set(key: K, value: V): this {
    if (this.size >= this.max && !this.has(key)) {
      const oldest = this.oldest();
      if (oldest !== undefined) {
        this.delete(oldest[0]);
        this.onEvict?.(oldest[0], oldest[1]);
      }
    }
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    if (this.hasHead && sameKey(key, this.headKey)) {
      this.hasHead = false;
      this.headKey = undefined;
    }
    return super.delete(key);
  }

  override clear(): void {
    this.hasHead = false;
    this.headKey = undefined;
    this.cursor = undefined;
    super.clear();
  }
}
