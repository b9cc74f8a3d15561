import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface IpRange {
  /** Canonical text, e.g. `203.0.113.0/24` or `2001:db8::/32`. */
  value: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
  list: BlockList;
}

/** The widest ranges a rule may name: wider is a typo more often than an intent. */
const MIN_PREFIX = { ipv4: 8, ipv6: 16 } as const;

/** Parses `address/prefix` (a bare address is a single host); undefined when it is not a range. */
export function parseIpRange(raw: string): IpRange | undefined {
  const [address = '', prefixText, extra] = raw.trim().toLowerCase().split('/');
  if (extra !== undefined) return undefined;
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return undefined;
  const maxPrefix = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? maxPrefix : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= MIN_PREFIX[family] && prefix <= maxPrefix)) return undefined;
  const list = new BlockList();
  list.addSubnet(address, prefix, family);
  return { value: `${address}/${prefix}`, prefix, family, list };
}

const familyOf = (address: string): 'ipv4' | 'ipv6' => (isIPv4(address) ? 'ipv4' : 'ipv6');

/** Whether a live client address is inside the range. */
export const rangeContainsAddress = (range: IpRange, address: string): boolean => range.list.check(address, familyOf(address));

/**
 * Whether a stored network (signatures keep only their /24 or /48) lies wholly inside the range.
 * A range narrower than the stored network cannot be decided from what is kept, so it does not
 * match old signatures; it still catches new signers by their full address.
 */
export function rangeContainsNetwork(range: IpRange, network: string): boolean {
  const stored = parseIpRange(network);
  return stored !== undefined && stored.family === range.family && stored.prefix >= range.prefix && rangeContainsAddress(range, network.split('/')[0] ?? '');
}
