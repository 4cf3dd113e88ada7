import { Client } from '@hubspot/api-client';
import pino from 'pino';
import type { FeatureFactory } from '../../server/app';
import type { DatabaseHandle, Dialect } from '../../server/db/database';
import { loadConfig } from '../../server/config';
import { startService, type RunningService } from '../../server/service';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../sandbox';
import { saveProgram } from '../../server/programs/repository';
import type { ProgramInput } from '../../src/app/packages/domain/program';
import { buildProgramInput } from '../domain/factories';
import { createTestDatabase } from './databases';
import { freePort } from './net';
import { HubSpotGateway, TIER_LIMITS, scaledLimits, type GatewayOptions } from '../../server/hubspot/gateway';
import { setUpPortal } from '../../server/setup/hubspot-setup';

export const TEST_CLIENT_SECRET = 'test-client-secret-0123456789';
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const SANDBOX_TOKEN = 'sandbox-token';
/** Headers of an admin API call (what the card and the functions send). */
export const ADMIN_HEADERS = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

export interface HarnessOptions {
  dialect?: Dialect;
  /** `tier` and `scale` also set the limits of the harness's gateway. */
  sandbox?: StartSandboxOptions;
  clock?: () => number;
  /** The gateway's time (its limiter's clock and how it waits), for a test that runs on a virtual clock. */
  gateway?: Pick<GatewayOptions, 'clock' | 'sleep'>;
  /** Set the portal up as `npm run setup` does (default on). */
  setUp?: boolean;
  /**
   * Serve only these features instead of the whole service, to give them test options (rate limits,
   * hooks); build them on the harness's gateway: `(gateway) => [createCaptureFeature({ gateway: () => gateway, … })]`.
   */
  features?: (gateway: HubSpotGateway) => FeatureFactory[];
}

export interface Harness {
  service: RunningService;
  sandbox: RunningSandbox;
  /** The ledger the service uses, to seed and inspect. */
  database: DatabaseHandle;
  /** The official client pointed at the sandbox, as a test would inspect the portal. */
  hubspot: Client;
  /**
   * The service's gateway, rate limited like the sandbox portal (its tier and scale): what `features`
   * are built on and what a test drives bulk work or setup through.
   */
  gateway: HubSpotGateway;
  /** The service's address, also its public base URL (links, signatures). */
  url: string;
  close(): Promise<void>;
}

/**
 * The service and the sandbox portal in this process, wired as in production: the service reaches
 * the portal through the official client, the sandbox's workflow engine calls the service's actions
 * signed with the app's client secret. Background loops are off: tests drive the job worker.
 */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const database = await createTestDatabase(opts.dialect ?? 'sqlite');
  const { port, sandbox, service, hubspot, gateway } = await startOnFreePort(opts, database.url);
  const url = `http://127.0.0.1:${port}`;
  // A portal as `npm run setup` leaves it: the referral properties and the "Referred by" label exist.
  if (opts.setUp !== false) await setUpPortal(gateway);
  return {
    service,
    sandbox,
    database: service.ctx.database,
    hubspot,
    gateway,
    url,
    close: async () => {
      await service.stop();
      await sandbox.close();
      await database.drop();
    },
  };
}

/**
 * The service's port must be known before the sandbox starts (the portal calls the service's actions
 * at it), so it is chosen free and then bound: another process on the machine may take it between
 * the two, and then the start is tried again on another port.
 */
async function startOnFreePort(opts: HarnessOptions, databaseUrl: string) {
  for (let attempt = 1; ; attempt++) {
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
    const hubspot = new Client({ accessToken: SANDBOX_TOKEN, basePath: sandbox.url, numberOfApiCallRetries: 0 });
    const limits = scaledLimits(TIER_LIMITS[opts.sandbox?.tier ?? 'professional'], opts.sandbox?.scale ?? 1);
    const gateway = new HubSpotGateway(hubspot, { limits, ...opts.gateway });
    const config = loadConfig({
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      PUBLIC_BASE_URL: url,
      HUBSPOT_ACCESS_TOKEN: SANDBOX_TOKEN,
      HUBSPOT_CLIENT_SECRET: TEST_CLIENT_SECRET,
      HUBSPOT_API_BASE: sandbox.url,
      SERVICE_ADMIN_KEY: TEST_ADMIN_KEY,
    });
    try {
      const service = await startService({
        config,
        logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
        background: false,
        ...(opts.clock && { clock: opts.clock }),
        ...(opts.features && { features: opts.features(gateway) }),
        gateway,
      });
      return { port, sandbox, service, hubspot, gateway };
    } catch (err) {
      await sandbox.close();
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw err;
    }
  }
}

/**
 * The domain tests' program as the service tests name it ("spring", a credit reward); its owner is
 * the first one the sandbox hands out (`owners.add`).
 */
export function buildProgram(overrides: Partial<ProgramInput> = {}): ProgramInput {
  return buildProgramInput({
    id: 'spring',
    name: 'Spring referrals',
    rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' } },
    ...overrides,
  });
}

export async function createProgram(h: Harness, overrides: Partial<ProgramInput> = {}) {
  const { program } = await saveProgram(h.database.db, buildProgram(overrides), h.service.ctx.clock());
  return program;
}
