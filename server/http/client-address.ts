import { isIPv6 } from 'node:net';
import type { Request } from 'express';

/**
 * The key a per-client limit counts under: the client's address as Express reports it (which
 * honours TRUST_PROXY and nothing else). An IPv6 client usually holds a whole /64, so the /64 is
 * the client; otherwise one home network could rotate through billions of addresses.
 */
export function clientKey(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  return isIPv6(ip) ? `${ipv6Prefix64(ip)}::/64` : ip;
}

/** The first four groups of an IPv6 address, expanded (`2001:db8::1` → `2001:db8:0:0`). */
function ipv6Prefix64(ip: string): string {
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.slice(0, 4).map((g) => (g.replace(/^0+/, '') || '0').toLowerCase()).join(':');
}
