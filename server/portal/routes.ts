import { Router } from 'express';
import { z } from 'zod';
import type { AppContext, Feature } from '../context';
import { validationError } from '../errors';
import type { PortalOptions, PortalOwner } from '../../src/app/packages/contracts/portal-options';
import { BriefCache } from '../hubspot/brief-cache';
import { readContactPropertyGroups, readCurrencies, readOwners, toPortalPipelines } from './portal-reads';

/**
 * Long enough that opening the settings page, switching programs and saving read the portal once;
 * short enough that an owner or a property an admin just added in HubSpot shows up within a minute.
 */
export const PORTAL_OPTIONS_TTL_MS = 60_000;
/** Owners listed with the options; the rest are found by searching. */
export const OWNER_PAGE = 100;
const MAX_OWNER_MATCHES = 50;

const noQuery = z.strictObject({});
const ownerId = z.string().regex(/^\d{1,20}$/, 'An owner id is a number, as HubSpot gives it');
const ownersQuery = z.strictObject({
  q: z.string().trim().min(1, 'Type at least one character of the name or email to search for').max(100, 'Search for at most 100 characters').optional(),
  /** Owners by id, for a program whose owners are not among the first ones listed. */
  id: z.union([ownerId, z.array(ownerId).max(OWNER_PAGE, `Ask for at most ${OWNER_PAGE} owners by id`)]).optional(),
  limit: z.coerce.number().int('limit must be a whole number').min(1, 'limit must be at least 1')
    .max(MAX_OWNER_MATCHES, `limit must be at most ${MAX_OWNER_MATCHES}`).default(20),
}).refine((query) => (query.q === undefined) !== (query.id === undefined), { message: 'Either search with q (part of a name or email) or ask for owners by id, one of the two', path: ['q'] });

/** Owners whose name or email contains every word typed, in any order and case. */
export function matchOwners(owners: readonly PortalOwner[], q: string, limit: number): PortalOwner[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return owners.filter((o) => {
    const haystack = `${o.name} ${o.email}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  }).slice(0, limit);
}

/** What the settings page picks from, read through the account's gateway and kept briefly. */
export function portalFeature(ctx: AppContext): Feature {
  const cache = new BriefCache(PORTAL_OPTIONS_TTL_MS, ctx.clock);
  const owners = () => cache.get('owners', () => readOwners(ctx.gateway));

  async function options(): Promise<PortalOptions> {
    const [allOwners, stages, pipelines, contactPropertyGroups, currencies] = await Promise.all([
      owners(),
      // Stages and pipelines share the context's cache with qualification decisions.
      ctx.portalSettings.lifecycleStages(),
      ctx.portalSettings.pipelines(),
      cache.get('contact-properties', () => readContactPropertyGroups(ctx.gateway)),
      cache.get('currencies', () => readCurrencies(ctx.gateway)),
    ]);
    return {
      owners: allOwners.slice(0, OWNER_PAGE),
      moreOwners: allOwners.length > OWNER_PAGE,
      lifecycleStages: [...stages].sort((a, b) => a.displayOrder - b.displayOrder).map((s) => ({ value: s.value, label: s.label ?? s.value })),
      dealPipelines: toPortalPipelines(pipelines),
      contactPropertyGroups,
      currencies,
    };
  }

  const admin = Router();
  admin.get('/portal/options', async (req, res) => {
    const query = noQuery.safeParse(req.query);
    if (!query.success) throw validationError(query.error, 'portal options query (it takes no parameters)');
    res.json(await options());
  });
  admin.get('/portal/owners', async (req, res) => {
    const query = ownersQuery.safeParse(req.query);
    if (!query.success) throw validationError(query.error, 'owner search');
    const all = await owners();
    if (query.data.id !== undefined) {
      const ids = new Set([query.data.id].flat());
      res.json({ owners: all.filter((o) => ids.has(o.id)) });
      return;
    }
    res.json({ owners: matchOwners(all, query.data.q ?? '', query.data.limit) });
  });
  return { admin };
}
