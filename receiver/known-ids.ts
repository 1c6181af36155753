import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BoundedMap } from '../src/base/bounded-map.js';
import { readEvents } from '../src/read/read-events.js';

/**
 * A set of ids bounded by the memory it holds, not by how many: a count bound lets a client that
 * sends long ids take any amount of memory. Oldest ids are forgotten first (BoundedMap's
 * `oldest()`, O(1) however many were forgotten before) and counted.
 */
export class KnownIds {
  private readonly ids = new BoundedMap<string, true>(); // bounded by bytes, below
  private heldBytes = 0;
  /** Ids forgotten to stay under the bound. */
  forgotten = 0;

  constructor(private readonly maxBytes: number) {}

  /** The estimated heap bytes one id costs: a Set entry and a flat string, two bytes a character at worst. */
  static cost(id: string): number {
    return 48 + 2 * id.length;
  }

  get size(): number {
    return this.ids.size;
  }

  /** Estimated bytes held, always at most the bound. */
  get bytes(): number {
    return this.heldBytes;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Remembers `id`, forgetting the oldest while over the bound (an id costing more than the bound is forgotten at once). */
  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.set(id, true);
    this.heldBytes += KnownIds.cost(id);
    while (this.heldBytes > this.maxBytes) {
      const [oldest] = this.ids.oldest()!;
      this.ids.delete(oldest);
      this.heldBytes -= KnownIds.cost(oldest);
      this.forgotten++;
    }
  }

  /** Forgets `id` without counting it (a write that failed: the id was never kept). */
  delete(id: string): void {
    if (this.ids.delete(id)) this.heldBytes -= KnownIds.cost(id);
  }
}

/** Remembers the event id of every event in the JSON Lines files (`.jsonl`, `.jsonl.gz`) of `dir`; a missing dir holds none. */
export async function rememberIdsIn(dir: string, ids: KnownIds): Promise<void> {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => /\.jsonl(\.gz)?$/.test(f));
  } catch {
    files = [];
  }
  for (const file of files) {
    await new Promise<void>((resolve) =>
      readEvents(join(dir, file)).subscribe({ next: (e) => ids.add(e.event_id), complete: resolve, error: () => resolve() }),
    );
  }
}
