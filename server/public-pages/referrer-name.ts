import type { HubSpotGateway } from '../hubspot/gateway';

/**
 * A referrer's first name, for landing pages of programs that show it ("Rita sent you $20 off").
 * Read from the referrer's HubSpot contact by id (never searched: search lags) and kept for a
 * while, so a link shared widely costs one HubSpot read per instance and period, not one per
 * visit: only active codes reach this, and guessing codes is limited at the referral link.
 * A page never waits long for it: when HubSpot is slow or failing the page shows the offer
 * without the name, and the read that is still running fills the cache for the next visit.
 */
export interface ReferrerNameDeps {
  gateway: HubSpotGateway;
  clock: () => number;
  /** How long a name (or its absence) is kept: also how long a changed or erased name may still show. */
  ttlMs?: number;
  maxEntries?: number;
  /** Resolves when the page should stop waiting for HubSpot. */
  deadline?: () => Promise<void>;
}

export const REFERRER_NAME_TTL_MS = 10 * 60_000;
const WAIT_MS = 1_500;

const waitBriefly = () => new Promise<void>((resolve) => setTimeout(resolve, WAIT_MS).unref());

/**
 * Only a first name, and only when it looks like one: the first word of HubSpot's `firstname`
 * (which some portals fill with a full name or an email address), letters with hyphens or
 * apostrophes, at most 30 characters. Anything else shows no name at all.
 */
export function displayFirstName(raw: string | null | undefined): string | undefined {
  const first = (raw ?? '').normalize('NFC').trim().split(/\s+/)[0] ?? '';
  return /^\p{L}[\p{L}\p{M}'’-]{0,29}$/u.test(first) ? first : undefined;
}

export interface ReferrerNames {
  firstName(contactId: string): Promise<string | undefined>;
}

export function referrerNames(deps: ReferrerNameDeps): ReferrerNames {
  const ttl = deps.ttlMs ?? REFERRER_NAME_TTL_MS;
  const maxEntries = deps.maxEntries ?? 10_000;
  const deadline = deps.deadline ?? waitBriefly;
  // One attempt: a page is no place to ride out HubSpot's retries; the next visit tries again.
  const gateway = deps.gateway.withMaxAttempts(1);
  const cache = new Map<string, { name: string | undefined; at: number }>();
  const reading = new Map<string, Promise<string | undefined>>();

  function remember(contactId: string, name: string | undefined) {
    cache.delete(contactId);
    cache.set(contactId, { name, at: deps.clock() });
    // Oldest first in a Map's order: drop it when full.
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
  }

  function read(contactId: string): Promise<string | undefined> {
    let pending = reading.get(contactId);
    if (!pending) {
      pending = gateway.call('read', "read the referrer's first name", (c) => c.crm.contacts.basicApi.getById(contactId, ['firstname']))
        .then((contact) => displayFirstName(contact.properties.firstname), () => undefined)
        .then((name) => {
          remember(contactId, name);
          return name;
        })
        .finally(() => reading.delete(contactId));
      reading.set(contactId, pending);
    }
    return pending;
  }

  return {
    async firstName(contactId) {
      const cached = cache.get(contactId);
      if (cached && deps.clock() - cached.at < ttl) return cached.name;
      return Promise.race([read(contactId), deadline().then(() => undefined)]);
    },
  };
}
