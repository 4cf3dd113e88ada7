import { Client } from '@hubspot/api-client';
import pino from 'pino';
import type { Dialect } from '../../server/db/database';
import { loadConfig } from '../../server/config';
import { startService, type RunningService } from '../../server/service';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../sandbox';
import { saveProgram } from '../../server/programs/repository';
import { createTestDatabase, type TestDatabase } from './databases';
import { freePort } from './net';
import { HubSpotGateway, TIER_LIMITS } from '../../server/hubspot/gateway';
import { setUpPortal } from '../../server/setup/hubspot-setup';

export const TEST_CLIENT_SECRET = 'test-client-secret-0123456789';
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const SANDBOX_TOKEN = 'sandbox-token';

export interface Harness {
  service: RunningService;
  sandbox: RunningSandbox;
  database: TestDatabase;
  /** The official client pointed at the sandbox, as a test would inspect the portal. */
  hubspot: Client;
  url: string;
  close(): Promise<void>;
}

/**
 * The service and the sandbox portal in this process, wired as in production: the service reaches
 * the portal through the official client, the sandbox's workflow engine calls the service's actions
 * signed with the app's client secret. Background loops are off: tests drive the job worker.
 */
export async function startHarness(
  opts: { dialect?: Dialect; sandbox?: StartSandboxOptions; clock?: () => number; setUp?: boolean } = {},
): Promise<Harness> {
  const database = await createTestDatabase(opts.dialect ?? 'sqlite');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sandbox = await startSandbox({
    port: 0,
    accessToken: SANDBOX_TOKEN,
    clientSecret: TEST_CLIENT_SECRET,
    variables: { SERVICE_URL: url },
    logger: pino({ level: 'silent' }),
    ...opts.sandbox,
  });
  const config = loadConfig({
    PORT: String(port),
    DATABASE_URL: database.url,
    PUBLIC_BASE_URL: url,
    HUBSPOT_ACCESS_TOKEN: SANDBOX_TOKEN,
    HUBSPOT_CLIENT_SECRET: TEST_CLIENT_SECRET,
    HUBSPOT_API_BASE: sandbox.url,
    SERVICE_ADMIN_KEY: TEST_ADMIN_KEY,
  });
  const service = await startService({
    config,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    background: false,
    ...(opts.clock && { clock: opts.clock }),
  });
  const hubspot = new Client({ accessToken: SANDBOX_TOKEN, basePath: sandbox.url, numberOfApiCallRetries: 0 });
  // A portal as `npm run setup` leaves it: the referral properties and the "Referred by" label exist.
  if (opts.setUp !== false) await setUpPortal(new HubSpotGateway(hubspot, { limits: TIER_LIMITS.enterprise }));
  return {
    service,
    sandbox,
    database,
    hubspot,
    url,
    close: async () => {
      await service.stop();
      await sandbox.close();
      await database.drop();
    },
  };
}

export async function createProgram(h: Harness, overrides: Record<string, unknown> = {}) {
  const { program } = await saveProgram(
    h.service.ctx.database.db,
    {
      id: 'spring',
      name: 'Spring referrals',
      status: 'active',
      ownerId: '1',
      rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' } },
      ...overrides,
    },
    h.service.ctx.clock(),
  );
  return program;
}
