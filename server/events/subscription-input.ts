import net from 'node:net';
import { z } from 'zod';
import { EVENT_TYPES } from '../../src/app/packages/contracts/events';

/** The name of a service setting (environment variable), as a program's fulfilment `secretRef` is written. */
export const SECRET_REF = /^[A-Z][A-Z0-9_]*$/;

/**
 * A subscription as the admin API takes it. Deliveries carry referral data, so the endpoint is
 * https; plain http is accepted only to this machine (a receiver under test, or a local relay).
 * The signing secret is given either as is (`secret`, stored to sign with) or by naming the service
 * setting that holds it (`secretRef`), which keeps it out of the database and out of HubSpot: the
 * settings page only ever sends a name.
 */
export const subscriptionInput = z.object({
  url: z.string().trim().max(2000).refine(endpointAllowed, 'give an https:// URL (http:// only to 127.0.0.1, ::1 or localhost)'),
  secret: z.string().min(16, 'the signing secret needs at least 16 characters').max(200).optional(),
  secretRef: z.string().trim().max(100).regex(SECRET_REF, 'name a service setting in upper case, such as REFERRAL_EVENTS_SECRET').optional(),
  eventTypes: z.array(z.enum(EVENT_TYPES, `event types are ${EVENT_TYPES.join(', ')}`))
    .min(1, 'name at least one event type')
    .refine((types) => new Set(types).size === types.length, 'each event type once'),
}).strict().superRefine((input, ctx) => {
  if ((input.secret === undefined) === (input.secretRef === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['secret'], message: 'give either the signing secret or secretRef, the name of the service setting that holds it (one of the two)' });
  }
});

export type SubscriptionInput = z.output<typeof subscriptionInput>;

/** Pausing and resuming: a paused subscription records no events and its waiting deliveries are held. */
export const subscriptionChange = z.object({
  status: z.enum(['active', 'paused'], 'status is "active" or "paused"'),
}).strict();

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
