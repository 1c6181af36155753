import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses only this machine can reach: 127.0.0.0/8 and ::1 (BlockList also matches them IPv4-mapped). */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const isLoopbackAddress = (address: string) => LOOPBACK.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');

/**
 * Whether `host` names loopback addresses only. A name (`localhost`) counts when every address
 * it resolves to is loopback; one that does not resolve does not count.
 */
export async function isLoopbackHost(host: string): Promise<boolean> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) return isLoopbackAddress(bare);
  try {
    const addresses = await lookup(bare, { all: true });
    return addresses.length > 0 && addresses.every((a) => isLoopbackAddress(a.address));
  } catch {
    return false;
  }
}

/** `host` as it goes in a URL: IPv6 addresses in brackets. */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}
