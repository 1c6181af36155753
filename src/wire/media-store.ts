/**
 * Where `recordMedia` keeps bytes. Events only ever carry the handle (`media_ref`), so the same
 * stream works with any store: files here; object stores and backends' media APIs later.
 */
export interface MediaStore {
  /**
   * Stores `bytes` and returns their handle at once; `written` settles when they are durable
   * (it may reject: the pipeline counts that). Storing the same bytes twice is cheap.
   */
  put(bytes: Uint8Array): { handle: string; written: Promise<void> };
  /** Stores synchronously (used when the pipeline's memory cap is reached and at exit). */
  putSync?(bytes: Uint8Array): string;
  /** The bytes behind a handle, or `undefined` when this store does not have them. */
  get(handle: string): Promise<Uint8Array | undefined>;
}
