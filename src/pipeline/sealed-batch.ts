import type { TraceEvent } from '../../schemas/trace-event.js';
import { lossOf } from './drop-marker.js';
import { packEvents, unpackEvents, type PackedEvents } from './backlog-packing.js';

/**
 * Bytes a packed batch is counted as besides its data: the batch record, the buffer's header and
 * the last event kept for a drop marker.
 */
const PACKED_OVERHEAD_BYTES = 600;

/** Sealed events of an exporter channel: as objects, or packed (`events` null) while they wait behind a slow exporter. */
export interface Batch {
  events: TraceEvent[] | null;
  packed: PackedEvents | null;
  count: number;
  /** What the batch holds in the memory budget: estimated JSON bytes, or packed bytes. */
  bytes: number;
}

/** The events of a batch, unpacked when packed. */
export function eventsOf(batch: Batch): TraceEvent[] {
  return batch.events ?? unpackEvents(batch.packed!);
}

/** Events a batch's loss counts (drop markers in it fold: they count what they stand for) and its last event. */
export function lossOfBatch(batch: Batch): { lost: number; folded: number; last: TraceEvent } {
  const { lost, folded } = batch.packed ? batch.packed.loss : lossOf(batch.events!);
  return { lost, folded, last: batch.packed ? batch.packed.last : batch.events![batch.count - 1]! };
}

/**
 * Packs a batch in place when that makes it smaller; returns the change of its counted bytes
 * (0 when it stays as it is). Throws when the batch cannot be serialized.
 */
export function packBatch(batch: Batch): number {
  const packed = packEvents(batch.events!);
  const bytes = packed.data.length + PACKED_OVERHEAD_BYTES;
  if (bytes >= batch.bytes) return 0; // a batch too small to gain
  const change = bytes - batch.bytes;
  batch.packed = packed;
  batch.events = null;
  batch.bytes = bytes;
  return change;
}

/**
 * Packs every sealed batch behind the next one to deliver, newest first, stopping at the first
 * that is packed already (those behind it were packed before it). A batch that cannot be
 * serialized stays as it is (`onError` hears why). Returns the change in held bytes and the
 * events packed.
 */
export function packBehindNext(sealed: Batch[], onError: (error: unknown) => void): { bytes: number; events: number } {
  let bytes = 0;
  let events = 0;
  for (let i = sealed.length - 1; i >= 1; i--) {
    const batch = sealed[i]!;
    if (batch.packed !== null) break;
    let change: number;
    try {
      change = packBatch(batch);
    } catch (error) {
      onError(error);
      continue;
    }
    if (change === 0) continue;
    bytes += change;
    events += batch.count;
  }
  return { bytes, events };
}
