import net from 'node:net';
import { z } from 'zod';
import { EVENT_TYPES } from '../../src/app/packages/contracts/events';

/**
 * A subscription as the admin API takes it. Deliveries carry referral data, so the endpoint is
 * https; plain http is accepted only to this machine (a receiver under test, or a local relay).
 */
export const subscriptionInput = z.object({
  url: z.string().trim().max(2000).refine(endpointAllowed, 'give an https:// URL (http:// only to 127.0.0.1, ::1 or localhost)'),
  secret: z.string().min(16, 'the signing secret needs at least 16 characters').max(200),
  eventTypes: z.array(z.enum(EVENT_TYPES, `event types are ${EVENT_TYPES.join(', ')}`))
    .min(1, 'name at least one event type')
    .refine((types) => new Set(types).size === types.length, 'each event type once'),
}).strict();

export type SubscriptionInput = z.output<typeof subscriptionInput>;

function endpointAllowed(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopback(url.hostname);
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}
