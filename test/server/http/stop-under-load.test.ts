import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import pino from 'pino';
import { Client } from '@hubspot/api-client';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { reserveEnrolments } from '../../../server/enrolment/repository';
import { HubSpotGateway, TIER_LIMITS } from '../../../server/hubspot/gateway';
import { saveProgram } from '../../../server/programs/repository';
import { setUpPortal } from '../../../server/setup/hubspot-setup';
import { cryptoRandom } from '../../../src/app/packages/domain/codes';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';
import { SANDBOX_TOKEN, TEST_ADMIN_KEY, TEST_CLIENT_SECRET, buildProgram } from '../../support/harness';
import { freePort } from '../../support/net';

const DRAIN_MS = 4_000;
/** What the process may take beyond the drain: the in-flight handlers, the worker's tick, exit. */
const MARGIN_MS = 20_000;
const CLIENTS = 6;

interface Outcome {
  accepted: string[];
  sawConnectionClose: boolean;
}

/** One client on one kept-alive connection, submitting referrals until the service stops answering. */
async function hammer(url: string, code: string, client: number, onAccepted: () => void): Promise<Outcome> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const outcome: Outcome = { accepted: [], sawConnectionClose: false };
  try {
    for (let n = 0; ; n++) {
      const email = `friend-${client}-${n}@example.com`;
      const body = JSON.stringify({ programId: 'spring', email, firstname: 'Friend', code, consent: true });
      const answer = await new Promise<{ status: number; connection?: string } | undefined>((resolve) => {
        const req = http.request(`${url}/api/referrals`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
        });
        req.on('error', () => resolve(undefined));
        req.end(body);
      });
      if (!answer) return outcome;
      if (answer.status >= 200 && answer.status < 300) {
        outcome.accepted.push(email);
        onAccepted();
      }
      if (answer.connection === 'close') outcome.sawConnectionClose = true;
    }
  } finally {
    agent.destroy();
  }
}

/** Resolves once the service logs `pattern`; both outputs are read throughout, so neither pipe fills. */
function waitForLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const read = (chunk: Buffer) => {
      seen = (seen + String(chunk)).slice(-10_000);
      if (pattern.test(seen)) resolve();
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`service exited (${code}) before it listened: ${seen.slice(-2000)}`)));
  });
}

describe.each(dialects)('SIGTERM under keep-alive load on %s', (dialect) => {
  let database: TestDatabase;
  let sandbox: RunningSandbox;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await sandbox?.close();
    await database?.drop();
  });

  it('stops within the drain and loses no submission it accepted', async () => {
    database = await createTestDatabase(dialect);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    sandbox = await startSandbox({ port: 0, accessToken: SANDBOX_TOKEN, clientSecret: TEST_CLIENT_SECRET, tier: 'enterprise', logger: pino({ level: 'silent' }) });
    const hubspot = new Client({ accessToken: SANDBOX_TOKEN, basePath: sandbox.url, numberOfApiCallRetries: 0 });
    await setUpPortal(new HubSpotGateway(hubspot, { limits: TIER_LIMITS.enterprise }));
    sandbox.portal.owners.add({ firstName: 'Olive', lastName: 'Owner', email: 'olive@owners.example' });
    const referrer = sandbox.portal.createMany('contacts', [{ properties: { email: 'anna@referrer.example', firstname: 'Anna' } }])[0]!;
    const { program } = await saveProgram(database.db, buildProgram(), Date.now());
    const reserved = await reserveEnrolments(database.db, {
      program, contacts: [{ id: referrer.id }], source: 'manual', actor: { type: 'admin', id: null }, publicBaseUrl: url, now: Date.now(), random: cryptoRandom,
    });
    const code = reserved.get(referrer.id)!.row.code;

    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env, PORT: String(port), DATABASE_URL: database.url, PUBLIC_BASE_URL: url,
        HUBSPOT_ACCESS_TOKEN: SANDBOX_TOKEN, HUBSPOT_API_BASE: sandbox.url, HUBSPOT_CLIENT_SECRET: TEST_CLIENT_SECRET,
        SERVICE_ADMIN_KEY: TEST_ADMIN_KEY, SHUTDOWN_DRAIN_MS: String(DRAIN_MS), RATE_LIMIT_SUBMISSIONS_PER_MINUTE: '1000000', LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitForLine(child, /referral service listening/);
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child!.once('exit', (code) => resolve({ code, at: Date.now() })));

    // Six clients keep their connections busy; once the load runs, the service is told to stop.
    let accepted = 0;
    let loadRuns!: () => void;
    const underLoad = new Promise<void>((resolve) => (loadRuns = resolve));
    const running = Array.from({ length: CLIENTS }, (_, i) => hammer(url, code, i, () => {
      if (++accepted === 30) loadRuns();
    }));
    await underLoad;
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const { code: exitCode, at } = await exited;
    const outcomes = await Promise.all(running);

    expect(exitCode).toBe(0);
    expect(at - signalledAt).toBeLessThan(DRAIN_MS + MARGIN_MS);
    // Kept-alive connections were closed by the service as their request ended.
    expect(outcomes.some((o) => o.sawConnectionClose)).toBe(true);
    const stored = await database.db.selectFrom('referrals').select(['email', 'referred_contact_id']).execute();
    const storedEmails = new Set(stored.map((r) => r.email));
    const acceptedEmails = outcomes.flatMap((o) => o.accepted);
    expect(acceptedEmails.length).toBeGreaterThanOrEqual(30);
    expect(acceptedEmails.filter((email) => !storedEmails.has(email))).toEqual([]);
    expect(stored.filter((r) => r.referred_contact_id.startsWith('pending:'))).toEqual([]);
  }, 120_000);
});
