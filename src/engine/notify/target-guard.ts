/**
 * Notification targets on private networks are refused unless the serve config allows them (DESIGN §5:
 * an alert spec must not make mlslo probe the inside of its network). Checked at dispatch time: a literal
 * IP directly, a host name by resolving it and checking every address. Redirects are not followed
 * (send.ts), so a public URL cannot bounce a notice inward.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

type Range = readonly [string, number, 'ipv4' | 'ipv6', string];

const V4: readonly Range[] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
];

const RANGES: readonly Range[] = [
  ...V4,
  // The same ranges as IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses.
  ...V4.map(([a, n, , why]): Range => [`::ffff:${a}`, 96 + n, 'ipv6', why]),
  ...V4.map(([a, n, , why]): Range => [`64:ff9b::${a}`, 96 + n, 'ipv6', why]),
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'unique-local'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const LISTS: ReadonlyArray<{ readonly why: string; readonly list: BlockList }> = (() => {
  const by = new Map<string, BlockList>();
  for (const [addr, prefix, family, why] of RANGES) {
    let l = by.get(why);
    if (l === undefined) by.set(why, (l = new BlockList()));
    l.addSubnet(addr, prefix, family);
  }
  return [...by].map(([why, list]) => ({ why, list }));
})();

/** Why `address` (a literal IP) is not a public unicast address, or undefined when it is. */
export function privateAddressKind(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return LISTS.find((l) => l.list.check(address, type))?.why;
}

export type TargetCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string };

export type Lookup = (host: string) => Promise<ReadonlyArray<{ readonly address: string }>>;

export const systemLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Whether mlslo may send to `url`. DNS failures throw (the caller retries: resolution may recover);
 * a refusal is final. The reason names the host, never the URL's path (a secret for Slack and webhooks).
 */
export async function checkTarget(url: string, allowPrivate: boolean, lookup: Lookup = systemLookup): Promise<TargetCheck> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, reason: 'the target is not a valid URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, reason: `scheme ${u.protocol} is not http or https` };
  if (allowPrivate) return { ok: true };
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = isIP(host) !== 0 ? [host] : (await lookup(host)).map((a) => a.address);
  if (addresses.length === 0) throw new Error(`${host} resolves to no address`);
  for (const a of addresses) {
    const why = privateAddressKind(a);
    if (why !== undefined) {
      const where = a === host ? `host ${host} is` : `host ${host} resolves to ${a},`;
      return { ok: false, reason: `${where} a ${why} address; set allowPrivateTargets: true in the serve config to allow it` };
    }
  }
  return { ok: true };
}
