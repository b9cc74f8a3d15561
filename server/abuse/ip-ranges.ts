import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface IpRange {
  /** Canonical text, e.g. `203.0.113.0/24` or `2001:db8::/32`. */
  value: string;
  prefix: number;
  family: Family;
  list: BlockList;
}

/** The widest ranges a rule may name: wider is a typo more often than an intent. */
export const IP_RANGE_MIN_PREFIX = { ipv4: 8, ipv6: 16 } as const;

type Family = keyof typeof IP_RANGE_MIN_PREFIX;

interface RangeParts {
  address: string;
  family: Family;
  /** NaN when the text after the slash is not a number. */
  prefix: number;
}

function rangeParts(raw: string): RangeParts | undefined {
  const [address = '', prefixText, extra] = raw.trim().toLowerCase().split('/');
  if (extra !== undefined) return undefined;
  // A zone index (`fe80::1%eth0`) names a local interface, never a client on the internet.
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) && !address.includes('%') ? 'ipv6' : undefined;
  if (!family) return undefined;
  const prefix = prefixText === undefined ? maxPrefixOf(family) : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  return { address, family, prefix };
}

const maxPrefixOf = (family: Family): number => (family === 'ipv4' ? 32 : 128);

/** Parses `address/prefix` (a bare address is a single host); undefined when it is not a range. */
export function parseIpRange(raw: string): IpRange | undefined {
  const parts = rangeParts(raw);
  if (!parts) return undefined;
  const { address, family, prefix } = parts;
  if (!(prefix >= IP_RANGE_MIN_PREFIX[family] && prefix <= maxPrefixOf(family))) return undefined;
  const list = new BlockList();
  list.addSubnet(address, prefix, family);
  return { value: `${address}/${prefix}`, prefix, family, list };
}

/** The family of a well-formed range that is only refused for being wider than a rule may be. */
export function ipRangeTooWide(raw: string): Family | undefined {
  const parts = rangeParts(raw);
  return parts && parts.prefix >= 0 && parts.prefix < IP_RANGE_MIN_PREFIX[parts.family] ? parts.family : undefined;
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
