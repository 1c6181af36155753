/**
 * A Map that forgets its oldest entry past `max` entries, calling `onEvict` for it: the one
 * "remember at most N, forget the oldest" mechanism, for state kept per request, per id or per
 * string. A caller whose bound is not a count (bytes held, a decision with side effects) gives
 * no `max` and forgets `oldest()` itself. Both are O(1) whatever was deleted before.
 *
 * The order is kept in a doubly linked list of the keys beside the Map, not read from the Map:
 * a fresh `keys()` per eviction walks every deleted slot before the oldest entry (≈ 10 µs per set
 * at 10,000 entries), and an iterator kept between calls holds every table the Map has rebuilt
 * since, so memory grows without bound while entries come and go.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  /** The link of every key, in the list from the oldest (`head`) to the newest (`tail`). */
  private readonly links = new Map<K, Link<K>>();
  private head: Link<K> | undefined;
  private tail: Link<K> | undefined;

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
    const head = this.head;
    return head === undefined ? undefined : [head.key, super.get(head.key) as V];
  }

  override set(key: K, value: V): this {
    // `super()` may call `set` before the fields exist (never with no entries given, as here).
    if (this.links !== undefined && !this.links.has(key)) {
      if (this.size >= this.max && this.head !== undefined) {
        const oldest = this.head.key;
        const evicted = super.get(oldest) as V;
        this.delete(oldest);
        this.onEvict?.(oldest, evicted);
      }
      const link: Link<K> = { key, older: this.tail, newer: undefined };
      if (this.tail === undefined) this.head = link;
      else this.tail.newer = link;
      this.tail = link;
      this.links.set(key, link);
    }
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    const link = this.links.get(key);
    if (link !== undefined) {
      this.links.delete(key);
      if (link.older === undefined) this.head = link.newer;
      else link.older.newer = link.newer;
      if (link.newer === undefined) this.tail = link.older;
      else link.newer.older = link.older;
    }
    return super.delete(key);
  }

  override clear(): void {
    this.links.clear();
    this.head = undefined;
    this.tail = undefined;
    super.clear();
  }
}

/** A key's place in the order of a BoundedMap. */
interface Link<K> {
  readonly key: K;
  older: Link<K> | undefined;
  newer: Link<K> | undefined;
}
