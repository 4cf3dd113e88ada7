import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, FEATURES, type FeatureFactory } from './app';
import type { Config } from './config';
import { createAppContext, type AppContext } from './context';
import { migrateToLatest, openDatabase } from './db/database';
import { answerClientError } from './http/client-errors';
import { ConnectionDrain } from './http/connection-drain';
import { JobWorker } from './jobs/queue';
import { EventDispatcher } from './events/delivery';
import type { Logger } from './logger';
import { fulfilmentDelivery, fulfilmentHandlers } from './rewards/fulfilment';
import { releaseDueHolds } from './rewards/review';
import { purgeVisits } from './capture/visit-purge';
import { hubspotBatchHandlers, hubspotJobHandlers } from './sync/jobs';
import { referredDealsJobHandlers } from './reports/referred-deals';
import { qualifyJobHandlers } from './qualify/qualify-referral';
import { ownerTaskHandlers, raiseOwnerTaskOnDead } from './owner-tasks/handlers';
import type { RunningSandbox } from '../sandbox';
import { connectGateway, TIER_LIMITS, type HubSpotGateway } from './hubspot/gateway';
import { setUpPortal } from './setup/hubspot-setup';
import { prepareSandboxDemo } from './sandbox-demo';
import { captureJobHandlers } from './capture/claim-recovery';
import { dashboardJobHandlers } from './dashboard/rotate-link';

export const LOCAL_ADMIN_KEY_FILE = 'data/admin-key';

/**
 * Local use without SERVICE_ADMIN_KEY: a random key is kept in a file only this user can read, so
 * the admin API works out of the box and the key never appears in a log.
 */
function localAdminKey(logger: Logger): string {
  if (fs.existsSync(LOCAL_ADMIN_KEY_FILE)) return fs.readFileSync(LOCAL_ADMIN_KEY_FILE, 'utf8').trim();
  fs.mkdirSync(path.dirname(LOCAL_ADMIN_KEY_FILE), { recursive: true });
  const key = randomBytes(24).toString('base64url');
  fs.writeFileSync(LOCAL_ADMIN_KEY_FILE, `${key}\n`, { mode: 0o600 });
  logger.info({ file: LOCAL_ADMIN_KEY_FILE }, 'SERVICE_ADMIN_KEY not set: generated a local admin key');
  return key;
}

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  clock?: () => number;
  /** Background loops (jobs, hold release). Tests turn them off and drive `worker.drain()` themselves. */
  background?: boolean;
  features?: FeatureFactory[];
  /** In sandbox mode, create the demo program and workflow (default on). */
  demo?: boolean;
  /**
   * The HubSpot account's gateway, for a caller that talks to the same account itself (tests) and
   * must share its limiter. Default: one built from the config, at Professional limits.
   */
  gateway?: HubSpotGateway;
}

export interface RunningService {
  ctx: AppContext;
  worker: JobWorker;
  /** Sends the event webhooks' outbox. */
  dispatcher: EventDispatcher;
  server: Server;
  url: string;
  sandbox: RunningSandbox | undefined;
  /**
   * Stop accepting connections; close kept-alive ones as their requests end, cutting those still
   * open after SHUTDOWN_DRAIN_MS; let running handlers, the job worker and the hold release finish;
   * then close the database. It is closed only once no handler runs: if one is still running after
   * a second SHUTDOWN_DRAIN_MS, the database is left open (and the error logged) for the process
   * exit to end, as a crash would, rather than fail that request halfway by closing it underneath.
   */
  stop(): Promise<void>;
}

/**
 * Without HubSpot credentials the service starts the local sandbox portal and talks to it: a new
 * user sees the whole product work before connecting a portal.
 */
async function connectHubSpot(config: Config, logger: Logger) {
  if (config.hubspot.accessToken) return { config, sandbox: undefined };
  const { startSandbox, DEFAULT_CLIENT_SECRET } = await import('../sandbox');
  const clientSecret = config.hubspot.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const accessToken = process.env.SANDBOX_ACCESS_TOKEN || 'sandbox-token';
  const sandbox = await startSandbox({
    port: config.sandboxPort,
    accessToken,
    clientSecret,
    variables: { SERVICE_URL: config.publicBaseUrl },
    // A small, deterministic portal to try the product on: owners, companies, contacts and deals.
    seed: { owners: 5, companies: 20, contacts: 200, deals: 50, seed: 42 },
    // Deal-stage webhooks reach the service as HubSpot would send them.
    webhooks: true,
    logger,
  });
  return {
    config: { ...config, hubspot: { accessToken, clientSecret, apiBase: sandbox.url }, adminKey: config.adminKey ?? localAdminKey(logger) },
    sandbox,
  };
}

export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const { logger } = opts;
  const clock = opts.clock ?? Date.now;
  const database = openDatabase(opts.config.databaseUrl);
  await migrateToLatest(database);
  logger.info({ database: database.description }, 'database ready');

  const { config, sandbox } = await connectHubSpot(opts.config, logger);
  // The accept path of an action makes no HubSpot call (it answers BLOCK); the calls that wait on
  // HubSpot run in jobs and routes, paced and retried by this one gateway.
  const gateway = opts.gateway ?? connectGateway(
    { accessToken: config.hubspot.accessToken!, apiBase: config.hubspot.apiBase },
    { limits: TIER_LIMITS.professional, logger },
  );
  if (sandbox) {
    // The sandbox portal is set up as `npm run setup` would set up a real one.
    await setUpPortal(gateway);
    logger.info({ sandbox: sandbox.url }, 'no HUBSPOT_ACCESS_TOKEN: using the local HubSpot sandbox portal (seeded, set up)');
  }
  const ctx = createAppContext({ config, database, logger, gateway, clock });
  if (sandbox && opts.demo !== false) await prepareSandboxDemo(ctx, sandbox);
  const worker = new JobWorker(database, {
    handlers: { ...hubspotJobHandlers(ctx), ...fulfilmentHandlers(ctx), ...ownerTaskHandlers(ctx), ...captureJobHandlers(ctx), ...referredDealsJobHandlers(ctx), ...dashboardJobHandlers(ctx) },
    batchHandlers: { ...qualifyJobHandlers(ctx), ...hubspotBatchHandlers(ctx) },
    onDead: raiseOwnerTaskOnDead(ctx),
    clock,
    logger,
  });

  const dispatcher = new EventDispatcher(database, { clock, logger, kinds: { fulfilment: fulfilmentDelivery(ctx) } });

  const app = createApp(ctx, opts.features ?? FEATURES);
  const server = createServer(app);
  server.on('clientError', answerClientError);
  const connections = new ConnectionDrain(server);
  // A port already taken fails the start (rather than leaving a service that never answers).
  await listen(server, config.port).catch(async (err: unknown) => {
    await database.close();
    await sandbox?.close();
    throw err;
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let holdTimer: NodeJS.Timeout | undefined;
  let releasing: Promise<unknown> = Promise.resolve();
  if (opts.background !== false) {
    worker.start();
    dispatcher.start();
    holdTimer = setInterval(() => {
      releasing = releaseDueHolds(ctx)
        .then(() => purgeVisits(database.db, clock()))
        .catch((err) => logger.error({ err }, 'releasing held rewards or purging expired visits failed'));
    }, 60_000);
  }

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    const drainMs = config.shutdownDrainMs;
    const { cut } = await connections.close(drainMs);
    if (cut > 0) logger.warn({ connections: cut, drainMs }, 'stopping: cut connections still busy after the drain');
    if (holdTimer) clearInterval(holdTimer);
    const [handlersDone] = await Promise.all([connections.handlersDone(drainMs), worker.stop(), dispatcher.stop(), releasing]);
    if (handlersDone) await database.close();
    else logger.error({ handlers: connections.runningHandlers }, 'stopping: requests still running after the drain; leaving the database to the process exit');
    await sandbox?.close();
  };

  return {
    ctx,
    worker,
    dispatcher,
    server,
    url,
    sandbox,
    stop: () => (stopping ??= stop()),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
