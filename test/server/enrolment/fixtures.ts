import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@hubspot/api-client';
import pino from 'pino';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../../sandbox';
import { createApp } from '../../../server/app';
import { createCaptureFeature, type CaptureFeatureOptions } from '../../../server/capture/routes';
import { loadConfig } from '../../../server/config';
import type { AppContext } from '../../../server/context';
import type { Dialect } from '../../../server/db/database';
import { createEnrolmentFeature, type EnrolmentFeatureOptions } from '../../../server/enrolment/routes';
import { HubSpotGateway, TIER_LIMITS, scaledLimits } from '../../../server/hubspot/gateway';
import { programsFeature } from '../../../server/programs/routes';
import { saveProgram } from '../../../server/programs/repository';
import { setUpPortal } from '../../../server/setup/hubspot-setup';
import type { ProgramInput } from '../../../src/domain/program';
import { createTestDatabase, type TestDatabase } from '../../support/databases';

import { SANDBOX_TOKEN as TOKEN, TEST_ADMIN_KEY as ADMIN_KEY, TEST_CLIENT_SECRET as CLIENT_SECRET } from '../../support/harness';

export { ADMIN_KEY, CLIENT_SECRET, TOKEN };

export interface Stack {
  ctx: AppContext;
  app: ReturnType<typeof createApp>;
  sandbox: RunningSandbox;
  database: TestDatabase;
  /** What the service uses (rate limited, retrying), with its request counts. */
  gateway: HubSpotGateway;
  /** A plain client to inspect the portal the way a test would. */
  hubspot: Client;
  /** Set when `listen` was asked for: the service on a real port (browser tests). */
  url: string;
  close(): Promise<void>;
}

export interface StackOptions {
  dialect?: Dialect;
  sandbox?: StartSandboxOptions;
  clock?: () => number;
  listen?: boolean;
  capture?: Omit<CaptureFeatureOptions, 'gateway'>;
  enrolment?: Omit<EnrolmentFeatureOptions, 'gateway'>;
}

/**
 * The enrolment and capture features wired to a sandbox portal through the official client,
 * with a fresh database; the portal is set up as `npm run setup` leaves it.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const database = await createTestDatabase(opts.dialect ?? 'sqlite');
  const sandbox = await startSandbox({ port: 0, accessToken: TOKEN, clientSecret: CLIENT_SECRET, logger: pino({ level: 'silent' }), ...opts.sandbox });
  const client = new Client({ accessToken: TOKEN, basePath: sandbox.url, numberOfApiCallRetries: 0 });
  const gateway = new HubSpotGateway(client, { limits: scaledLimits(TIER_LIMITS.professional, opts.sandbox?.scale ?? 1) });
  let url = 'http://service.test';
  let server: Server | undefined;
  const ctx: AppContext = {
    config: loadConfig({
      DATABASE_URL: database.url, PUBLIC_BASE_URL: url, HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
      HUBSPOT_API_BASE: sandbox.url, SERVICE_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent',
    }),
    database, logger: pino({ level: 'silent' }), hubspot: client, clock: opts.clock ?? Date.now,
  };
  const features = () => [
    programsFeature,
    createEnrolmentFeature({ ...opts.enrolment, gateway: () => gateway }),
    createCaptureFeature({ ...opts.capture, gateway: () => gateway }),
  ];
  let app = createApp(ctx, features());
  if (opts.listen) {
    server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Links and cookies follow the address the browser really uses.
    ctx.config = { ...ctx.config, publicBaseUrl: url };
    app = createApp(ctx, features());
    server.removeAllListeners('request');
    server.on('request', app);
  }
  await setUpPortal(gateway);
  return {
    ctx, app, sandbox, database, gateway, hubspot: client, url,
    close: async () => {
      if (server) await new Promise<void>((resolve) => { server!.closeAllConnections(); server!.close(() => resolve()); });
      await sandbox.close();
      await database.drop();
    },
  };
}

export function buildProgram(overrides: Partial<ProgramInput> = {}): ProgramInput {
  return {
    id: 'spring',
    name: 'Spring referrals',
    status: 'active',
    ownerId: '1001',
    rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' } },
    ...overrides,
  };
}

export async function createProgram(stack: Stack, overrides: Partial<ProgramInput> = {}) {
  return (await saveProgram(stack.database.db, buildProgram(overrides), Date.now())).program;
}

let contactNumber = 0;
export function buildContact(overrides: Record<string, string> = {}): Record<string, string> {
  contactNumber++;
  return { email: `person${contactNumber}@example.com`, firstname: `Person${contactNumber}`, lastname: 'Test', lifecyclestage: 'customer', ...overrides };
}

/** Adds contacts straight into the portal (fast for thousands); returns their ids. */
export function addContacts(stack: Stack, count: number, overrides: (i: number) => Record<string, string> = () => ({})): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 100) {
    const inputs = Array.from({ length: Math.min(100, count - i) }, (_, j) => ({ properties: buildContact(overrides(i + j)) }));
    ids.push(...stack.sandbox.portal.createMany('contacts', inputs).map((r) => r.id));
  }
  return ids;
}

export const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
