import { createHash } from 'node:crypto';

/**
 * operonx's sampling rule, so a request is kept or dropped the same way here, in every process
 * and on its Python side: the first 8 bytes of MD5(request_id as UTF-8), read big-endian as an
 * unsigned integer and divided by 2^64, kept when smaller than `rate`.
 */
export function sampledIn(requestId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const digest = createHash('md5').update(requestId, 'utf8').digest();
  return Number(digest.readBigUInt64BE(0)) / 2 ** 64 < rate;
}

/** Throws a RangeError naming `where` unless `rate` is a number in [0, 1]. */
export function checkRate(rate: unknown, where: string): number {
  if (typeof rate !== 'number' || Number.isNaN(rate) || rate < 0 || rate > 1) {
    throw new RangeError(`${where}: rate must be a number from 0 to 1, got ${String(rate)}`);
  }
  return rate;
}
