import { isIPv4, isIPv6 } from 'node:net';
import { hmacHex } from './hash.js';

export interface ClientAddress {
  /** The address itself: used during the request (block rules), never stored. */
  address: string;
  /** Keyed hash: lets moderators group signatures by address without keeping the address. */
  ipHash: string;
  /** The /24 (IPv4) or /48 (IPv6) the address is in, for blocking a range. */
  ipNetwork: string;
}

export function describeClientAddress(ip: string | undefined, secret: string): ClientAddress | undefined {
  if (!ip) return undefined;
  const address = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  return { address, ipHash: hmacHex(secret, `ip:${address}`), ipNetwork: networkOf(address) };
}

function networkOf(address: string): string {
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(address)) return `${expandIPv6(address).slice(0, 3).join(':')}::/48`;
  return 'unknown';
}

function expandIPv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right].map((part) => part.toLowerCase().replace(/^0+(?=.)/, ''));
}
