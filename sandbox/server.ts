import type { AddressInfo } from 'node:net';
import express from 'express';
import { sandboxConfigFromEnv, DEFAULT_ACCESS_TOKEN } from './config';
import { notFound } from './crm/errors';
import { bearerAuth } from './http/auth';
import { FaultInjector, injectFaults, noFaults, realDelay, type Delay, type FaultConfig } from './http/faults';
import { RateLimiter, rateLimit, type Tier } from './http/rate-limiter';
import { errorHandler, sendError } from './http/respond';
import { countRequests, RequestStats } from './http/stats';
import { Portal, type IndexingDelay } from './portal';
import { adminRouter } from './routes/admin';
import { accountInfoRoutes } from './routes/account-info';
import { associationRoutes } from './routes/associations';
import { batchRoutes } from './routes/batch';
import { keepSearchBodyLength, objectRoutes } from './routes/objects';
import { ownerAndPipelineRoutes } from './routes/owners-pipelines';
import { propertyRoutes } from './routes/properties';

export type SandboxExtension = (router: express.Router, portal: Portal) => void;

export interface SandboxAppOptions {
  portal?: Portal;
  /** Bearer token API calls must send; default `SANDBOX_ACCESS_TOKEN` or `sandbox-token`. */
  accessToken?: string;
  tier?: Tier;
  /** Multiplies every rate limit (10 → 1,900 calls per 10 s on professional, 50 searches/s). */
  scale?: number;
  dailyLimit?: number;
  faults?: Partial<FaultConfig>;
  /** Time for rate-limit windows and record timestamps; defaults to the portal's clock. */
  clock?: () => number;
  /** How injected latency waits; tests pass a recorder instead of sleeping. */
  delay?: Delay;
  /** Environment to read `SANDBOX_*` defaults from; explicit options win. */
  env?: Record<string, string | undefined>;
  /** Mounted behind the same auth, rate limits and fault injection as the CRM API. */
  extensions?: SandboxExtension[];
  /**
   * How long search takes to see creates and updates (default 10 s and 60 s, or `SANDBOX_INDEX_CREATE_MS` /
   * `SANDBOX_INDEX_UPDATE_MS`); `{ createMs: 0, updateMs: 0 }` turns it off. Applied to a given `portal` too.
   */
  indexingDelay?: Partial<IndexingDelay>;
}

export interface SandboxApp {
  app: express.Express;
  portal: Portal;
  rateLimiter: RateLimiter;
  faults: FaultInjector;
  stats: RequestStats;
}

/** An Express app that answers like a HubSpot portal's CRM API (see docs/sandbox.md). */
export function createSandboxApp(options: SandboxAppOptions): SandboxApp {
  const env = sandboxConfigFromEnv(options.env ?? process.env);
  const portal = options.portal ?? new Portal(options.clock ? { clock: options.clock } : {});
  const clock = options.clock ?? portal.clock;
  if (options.indexingDelay !== undefined || env.indexingDelay !== undefined) {
    portal.setIndexingDelay({ ...portal.indexingDelay, ...env.indexingDelay, ...options.indexingDelay });
  }
  const accessToken = options.accessToken ?? env.accessToken ?? DEFAULT_ACCESS_TOKEN;
  const rateSettings = {
    tier: options.tier ?? env.tier ?? 'professional',
    scale: options.scale ?? env.scale ?? 1,
    dailyLimit: options.dailyLimit ?? env.dailyLimit,
  };
  const faultSettings: FaultConfig = { ...noFaults, ...env.faults, ...options.faults };
  const rateLimiter = new RateLimiter(rateSettings, clock);
  const faults = new FaultInjector(faultSettings, options.delay ?? realDelay);
  const stats = new RequestStats();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(adminRouter({
    portal, rateLimiter, faults, stats,
    restoreDefaults: () => {
      faults.configure(faultSettings);
      rateLimiter.configure(rateSettings);
    },
  }));

  const api = express.Router();
  api.use(countRequests(stats));
  api.use(bearerAuth(() => accessToken));
  api.use(rateLimit(rateLimiter));
  api.use(injectFaults(faults));
  api.use(express.json({ limit: '10mb', verify: keepSearchBodyLength }));
  objectRoutes(api, portal);
  batchRoutes(api, portal);
  propertyRoutes(api, portal);
  associationRoutes(api, portal);
  ownerAndPipelineRoutes(api, portal);
  accountInfoRoutes(api, portal);
  for (const extend of options.extensions ?? []) extend(api, portal);
  api.use((req, res) => sendError(res, notFound(`No endpoint ${req.method} ${req.path} in this sandbox.`)));
  app.use(api);
  app.use(errorHandler);
  return { app, portal, rateLimiter, faults, stats };
}

/** Listens on 127.0.0.1 (port 0 picks a free one) and returns the base URL for `basePath`. */
export async function listenSandbox(app: express.Express, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
