/**
 * The "Qualify referral" action endpoint under 100 concurrent deliveries, beside a bare Express
 * endpoint that only verifies the HubSpot signature, in the same process run: SQLite ledger (and PostgreSQL when
 * a server is named), the sandbox portal in its own process with its rate limits scaled out of the way.
 * The service decides the accepted callbacks in the background while the deliveries arrive, as in
 * production; the run also times those decisions and counts the HubSpot calls they cost.
 * `npx tsx bench/qualify/action-endpoint.ts`
 */
import os from 'node:os';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { signRequest } from '../../sandbox';
import { requireHubSpotSignature } from '../../server/http/auth';
import type { RawBodyRequest } from '../../server/http/raw-body';
import pino from 'pino';
import { loadConfig } from '../../server/config';
import { createHubSpotClient } from '../../server/hubspot/client';
import { HubSpotGateway, TIER_LIMITS } from '../../server/hubspot/gateway';
import { saveProgram } from '../../server/programs/repository';
import { startService } from '../../server/service';
import { setUpPortal } from '../../server/setup/hubspot-setup';
import { insertEnrolment } from '../../test/support/ledger';
import { JobWorker } from '../../server/jobs/queue';
import { qualifyJobHandlers } from '../../server/qualify/qualify-referral';
import { createTestDatabase, type TestDatabase } from '../../test/support/databases';
import type { Dialect } from '../../server/db/database';
import { writeSection } from '../support/benchmarks-file';
import { runLoad, type LoadPlan, type LoadResult } from '../support/load';
import { freePort, startSandboxProcess } from '../support/sandbox-process';

const TOKEN = 'bench-token';
const TEST_CLIENT_SECRET = 'bench-client-secret-0123456789';

const DEFAULT_REQUESTS = 2000;
const DEFAULT_ROUNDS = 3;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? DEFAULT_REQUESTS);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? DEFAULT_ROUNDS);
const WARM_PASSES = 5;
const WARM_FRIENDS = 2000;
const CONCURRENCY = 100;
const PATH = '/hubspot/actions/qualify-referral';

function body(callbackId: string, contactId: string) {
  return JSON.stringify({
    callbackId,
    origin: { portalId: 1, actionDefinitionId: 7, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 1 },
    object: { objectId: Number(contactId), objectType: 'CONTACT', properties: {} },
    inputFields: { program: 'spring', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' },
  });
}

/**
 * Signed in advance: a signature stays valid for five minutes, longer than a run takes. `warmUp`
 * (retries of deliveries accepted during the warm-up) opens the connections before the measured part.
 */
function plan(base: string, bodies: string[], warmUp: string[] = []): LoadPlan {
  const timestamp = Date.now();
  const signed = (raw: string) => ({
    path: PATH,
    body: raw,
    headers: { ...signRequest({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: base + PATH, body: raw, timestamp }) },
  });
  return { url: base, concurrency: CONCURRENCY, requests: bodies.map(signed), warmUp: warmUp.map(signed) };
}

async function bareEndpoint(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(express.json({ verify: (req, _res, buf) => { (req as RawBodyRequest).rawBody = buf; } }));
  let url = '';
  app.post(PATH, (req, res, next) => requireHubSpotSignature({ clientSecret: TEST_CLIENT_SECRET, publicBaseUrl: url, clock: Date.now })(req, res, next),
    (_req, res) => { res.json({ outputFields: { hs_execution_state: 'SUCCESS' } }); });
  const server = await new Promise<import('node:http').Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}

/** A service on its own port and ledger, with REQUESTS captured referrals of the given friends. */
async function serviceWithReferrals(databaseUrl: string, sandboxUrl: string, friends: string[], referrerId: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port), DATABASE_URL: databaseUrl, PUBLIC_BASE_URL: url,
    HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_CLIENT_SECRET: TEST_CLIENT_SECRET, HUBSPOT_API_BASE: sandboxUrl, SERVICE_ADMIN_KEY: 'bench-admin-key-0123456789',
  });
  const service = await startService({ config, logger: pino({ level: 'warn' }), background: false });
  const db = service.ctx.database.db;
  await saveProgram(db, {
    id: 'spring', name: 'Spring', status: 'active', ownerId: '1', rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' } },
  }, Date.now());
  // Friends who are customers now and were leads when referred a day ago.
  const captured = Date.now() - 86_400_000;
  await insertEnrolment(db, { id: 'enr_bench', programId: 'spring', contactId: referrerId, code: 'BENCH234', now: captured });
  for (let i = 0; i < friends.length; i += 500) {
    await db.insertInto('referrals').values(friends.slice(i, i + 500).map((id, j) => ({
      id: `ref_b${i + j}`, program_id: 'spring', enrolment_id: 'enr_bench', referrer_contact_id: referrerId, referred_contact_id: id,
      email: `friend${i + j}@bench.example`, email_normalised: `friend${i + j}@bench.example`, source: 'bench', flags: '[]',
      status: 'captured' as const, reason: null, evidence: null, deal_id: null, captured_at: captured, qualified_at: null, decided_at: null,
    }))).execute();
  }
  const rewardCount = async () => Number((await db.selectFrom('rewards').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const undecided = async () => Number((await db.selectFrom('action_decisions').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('decided_at', 'is', null).executeTakeFirstOrThrow()).n);
  // Decisions only: completing callbacks the sandbox's workflow engine never issued would be refused
  // (the test suite checks the batched completions against the engine).
  const decider = new JobWorker(service.ctx.database, {
    handlers: {}, batchHandlers: qualifyJobHandlers(service.ctx), clock: Date.now, logger: service.ctx.logger,
  });
  return { url, service, rewardCount, undecided, decider };
}

interface Decisions {
  dialect: Dialect;
  callbacks: number;
  seconds: number;
  calls: number;
  byEndpoint: Record<string, number>;
}

type RowKind = 'bare' | 'new' | 'retry';
interface Row {
  name: string;
  kind: RowKind;
  result: LoadResult;
}

/** Each qualify row against the mean of the bare rows measured just before and just after it. */
function ratios(rows: Row[]): number[] {
  return rows.map((row, i) => {
    const before = rows.slice(0, i).reverse().find((r) => r.kind === 'bare');
    const after = rows.slice(i + 1).find((r) => r.kind === 'bare');
    const around = [before, after].filter((r): r is Row => r !== undefined);
    return row.result.throughput / (around.reduce((sum, r) => sum + r.result.throughput, 0) / around.length);
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main() {
  const sandbox = await startSandboxProcess({ SANDBOX_ACCESS_TOKEN: TOKEN, SANDBOX_SCALE: '1000', HUBSPOT_CLIENT_SECRET: TEST_CLIENT_SECRET });
  const client = createHubSpotClient({ accessToken: TOKEN, apiBase: sandbox.url });
  await setUpPortal(new HubSpotGateway(client, { limits: TIER_LIMITS.enterprise }));
  const referrer = await client.crm.contacts.basicApi.create({ properties: { email: 'referrer@bench.example' }, associations: [] });
  const friends: string[] = [];
  const contacts = WARM_FRIENDS + REQUESTS * ROUNDS;
  for (let i = 0; i < contacts; i += 100) {
    const batch = await client.crm.contacts.batchApi.create({
      inputs: Array.from({ length: Math.min(100, contacts - i) }, (_, j) => ({
        properties: { email: `friend${i + j}@bench.example`, lifecyclestage: 'customer' }, associations: [],
      })),
    });
    friends.push(...batch.results.sort((a, b) => Number(a.id) - Number(b.id)).map((r) => r.id));
  }

  // Every server gets the same warm-up before anything is measured: WARM_PASSES passes over the
  // deliveries of WARM_FRIENDS referred friends (new on the first pass, retries after), decided and
  // rewarded before the first round, so the JIT has settled on every path measured.
  const warmBodies = friends.slice(0, WARM_FRIENDS).map((id, i) => body(`warm-${i}`, id));
  const measured = friends.slice(WARM_FRIENDS);
  const warmRetries = warmBodies.slice(0, 1000);
  const warm = (base: string) => runLoad(plan(base, Array.from({ length: WARM_PASSES }, () => warmBodies).flat()));
  const bare = await bareEndpoint();
  await warm(bare.url);
  const bareBodies = measured.slice(0, REQUESTS).map((id, i) => body(`bare-${i}`, id));
  const measureBare = async (rows: Row[]) => rows.push({ name: 'bare endpoint: signature check only', kind: 'bare', result: await runLoad(plan(bare.url, bareBodies, warmRetries)) });

  const pgAdmin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const ledgers: Array<[Dialect, TestDatabase, number]> = [['sqlite', await createTestDatabase('sqlite'), ROUNDS]];
  if (pgAdmin) ledgers.push(['postgres', await createTestDatabase('postgres', pgAdmin), 1]);
  const tables: Array<[Dialect, Row[]]> = [];
  const decisionRuns: Decisions[] = [];
  for (const [dialect, ledger, rounds] of ledgers) {
    const { url, service, rewardCount, undecided, decider } = await serviceWithReferrals(ledger.url, sandbox.url, friends, referrer.id);
    await warm(url);
    await decider.drain(200); // the warm-up's own callbacks, so the run starts with nothing queued
    await fetch(`${sandbox.url}/sandbox/stats`, { method: 'DELETE' });
    const rows: Row[] = [];
    const decided: Decisions = { dialect, callbacks: 0, seconds: 0, calls: 0, byEndpoint: {} };
    for (let round = 0; round < rounds; round++) {
      // Nothing is left to decide when bare is measured: both get the machine to themselves.
      await measureBare(rows);
      const deliveries = measured.slice(round * REQUESTS, (round + 1) * REQUESTS).map((id, i) => body(`cb-${round}-${i}`, id));
      const started = performance.now();
      decider.start(50);
      rows.push({ name: `qualify on ${dialect}: new deliveries, decided alongside`, kind: 'new', result: await runLoad(plan(url, deliveries, warmRetries)) });
      while ((await undecided()) > 0) await new Promise((r) => setTimeout(r, 20));
      decided.seconds += (performance.now() - started) / 1000;
      decided.callbacks += deliveries.length;
      await decider.stop();
      rows.push({ name: `qualify on ${dialect}: HubSpot retries of accepted callbacks`, kind: 'retry', result: await runLoad(plan(url, deliveries, warmRetries)) });
    }
    await measureBare(rows);
    const stats = (await (await fetch(`${sandbox.url}/sandbox/stats`)).json()) as { total: number; byEndpoint: Record<string, number> };
    decisionRuns.push({ ...decided, calls: stats.total, byEndpoint: stats.byEndpoint });
    tables.push([dialect, rows]);
    const rewards = await rewardCount();
    await service.stop();
    await ledger.drop();
    const expected = WARM_FRIENDS + decided.callbacks;
    if (rewards !== expected) throw new Error(`expected ${expected} rewards on ${dialect}, found ${rewards}`);
  }
  await bare.close();
  sandbox.stop();

  const sections = tables.map(([dialect, rows]) => {
    const ratio = ratios(rows);
    const lines = rows.map((r, i) =>
      `| ${r.name} | ${r.result.throughput.toFixed(0)} | ${r.kind === 'bare' ? '' : ratio[i]!.toFixed(2)} | ${r.result.p50.toFixed(1)} | ${r.result.p99.toFixed(1)} | ` +
      `${Object.entries(r.result.statuses).map(([st, n]) => `${st}×${n}`).join(' ')} |`);
    const of = (kind: RowKind) => rows.map((r, i) => [r, ratio[i]!] as const).filter(([r]) => r.kind === kind);
    const summary = (['new', 'retry'] as const).map((kind) =>
      `- ${kind === 'new' ? 'new deliveries' : 'retries'}: median ratio to bare **${median(of(kind).map(([, x]) => x)).toFixed(2)}**, ` +
      `median p99 **${median(of(kind).map(([r]) => r.result.p99)).toFixed(1)} ms** (bare: ${median(of('bare').map(([r]) => r.result.p99)).toFixed(1)} ms)`);
    return `${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, in the order measured:

| endpoint | requests/s | ratio to bare (runs before and after) | p50 ms | p99 ms | statuses |
|---|---:|---:|---:|---:|---|
${lines.join('\n')}

${summary.join('\n')}`;
  });
  const decisionRows = decisionRuns.map((d) =>
    `| ${d.dialect} | ${d.callbacks} | ${d.seconds.toFixed(1)} | ${(d.callbacks / d.seconds).toFixed(0)} | ${(d.calls / d.callbacks).toFixed(3)} | ` +
    `${Object.entries(d.byEndpoint).map(([e, n]) => `${e} ×${n}`).join('; ')} |`);
  const report = `Command: \`npx tsx bench/qualify/action-endpoint.ts\` (\`BENCH_REQUESTS\`, default ${DEFAULT_REQUESTS}; \`BENCH_ROUNDS\`, default ${DEFAULT_ROUNDS}).
${REQUESTS} signed deliveries per row, ${CONCURRENCY} concurrent keep-alive connections from autocannon in a
separate process (bench/support/load-client.ts). Each server is warmed up
first with ${WARM_PASSES} × ${WARM_FRIENDS} deliveries of other referred friends, decided and rewarded before the first round. SQLite ledger in ${ROUNDS} rounds, bare and qualify interleaved (this machine's speed drifts
between runs, so each qualify row is compared with the bare rows on either side of it); PostgreSQL in one round when
\`BENCH_DATABASE_URL\` or \`TEST_DATABASE_URL\` names a server. The sandbox portal runs in its own process (HubSpot is
remote) with its rate limits scaled ×1000. Each new delivery is checked (signature, inputs, program) and accepted:
the decision row and its job in one transaction, answered BLOCK. Meanwhile the service's worker decides the
accepted callbacks 100 at a time: the HubSpot reads of the batch (contacts with lifecycle history, their deal
associations, their deals; stage definitions cached for 30 s), then one transaction per callback (decision,
referral, reward, audit rows, sync and completion jobs). The run fails unless it ends with exactly one reward per
referral. Targets: at least half the bare endpoint's throughput, p99 under 50 ms.

${sections.join('\n\n')}

Decisions, from the first delivery of a round until every callback was decided (callback completions are queued as jobs and
sent 100 per call; completing callbacks the sandbox's engine never issued would be refused, so this run leaves them queued):

| database | callbacks | seconds | decisions/s | HubSpot calls per decision | calls |
|---|---:|---:|---:|---:|---|
${decisionRows.join('\n')}

Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, run ${new Date().toISOString().slice(0, 10)}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}.`;
  writeSection('Qualify action endpoint', report);
  process.stdout.write(`${report}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
