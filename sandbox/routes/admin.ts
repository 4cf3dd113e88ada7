import express, { type Router } from 'express';
import { z } from 'zod';
import { faultConfigSchema, type FaultInjector } from '../http/faults';
import { tiers, type RateLimiter } from '../http/rate-limiter';
import { parseBody } from '../http/respond';
import type { RequestStats } from '../http/stats';
import type { Portal } from '../portal';
import { seedPortal } from '../seed';

const seedInput = z.object({
  contacts: z.number().int().min(0).max(1_000_000).optional(),
  companies: z.number().int().min(0).max(1_000_000).optional(),
  deals: z.number().int().min(0).max(1_000_000).optional(),
  owners: z.number().int().min(0).max(10_000).optional(),
  seed: z.number().int().optional(),
});
const rateLimitInput = z.object({
  tier: z.enum(tiers).optional(),
  scale: z.number().positive().optional(),
  dailyLimit: z.number().int().positive().optional(),
});

export interface AdminDeps {
  portal: Portal;
  rateLimiter: RateLimiter;
  faults: FaultInjector;
  stats: RequestStats;
  /** Restores faults and rate limits to what the sandbox started with. */
  restoreDefaults: () => void;
}

/**
 * `/sandbox/...`: controls for tests and benchmarks, not part of HubSpot's API. They need no
 * token and are neither rate limited, fault injected nor counted in the stats.
 */
export function adminRouter({ portal, rateLimiter, faults, stats, restoreDefaults }: AdminDeps): Router {
  const router = express.Router();
  // Only its own paths: API bodies are parsed by the API's parser, which keeps a search body's raw length.
  router.use('/sandbox', express.json({ limit: '1mb' }));

  router.get('/sandbox', (_req, res) => {
    res.json({
      portalId: portal.portalId,
      records: { contacts: portal.count('contacts'), companies: portal.count('companies'), deals: portal.count('deals'), tasks: portal.count('tasks') },
      owners: portal.owners.list().length,
      indexingDelay: portal.indexingDelay,
    });
  });
  router.post('/sandbox/reset', (_req, res) => {
    portal.clearRecords();
    rateLimiter.reset();
    stats.reset();
    restoreDefaults();
    res.status(204).end();
  });
  router.post('/sandbox/seed', (req, res) => {
    const started = Date.now();
    const summary = seedPortal(portal, parseBody(seedInput, req.body));
    res.json({ ...summary, elapsedMs: Date.now() - started });
  });
  router.get('/sandbox/faults', (_req, res) => {
    res.json(faults.settings());
  });
  router.post('/sandbox/faults', (req, res) => {
    res.json(faults.configure(parseBody(faultConfigSchema.partial(), req.body)));
  });
  router.get('/sandbox/rate-limits', (_req, res) => {
    res.json({ ...rateLimiter.settings(), limits: rateLimiter.limits(), usage: rateLimiter.usage() });
  });
  router.post('/sandbox/rate-limits', (req, res) => {
    const settings = rateLimiter.configure(parseBody(rateLimitInput, req.body));
    if (req.query.reset === 'true') rateLimiter.reset();
    res.json({ ...settings, limits: rateLimiter.limits(), usage: rateLimiter.usage() });
  });
  router.get('/sandbox/stats', (_req, res) => {
    res.json(stats.snapshot());
  });
  router.delete('/sandbox/stats', (_req, res) => {
    stats.reset();
    res.status(204).end();
  });
  return router;
}
