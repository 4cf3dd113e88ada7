/**
 * The "Qualify referral" action endpoint under 100 concurrent deliveries, beside a bare Express
 * endpoint that only verifies the HubSpot signature, in the same process run (SQLite ledger, sandbox
 * portal in process, rate limits scaled out of the way). `npx tsx bench/qualify/action-endpoint.ts`
 */
import fs from 'node:fs';
import os from 'node:os';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { signRequest } from '../../sandbox';
import { requireHubSpotSignature } from '../../server/http/auth';
import type { RawBodyRequest } from '../../server/app';
import { createProgram, startHarness, TEST_CLIENT_SECRET } from '../../test/support/harness';
import { insertEnrolment } from '../../test/support/ledger';
import { replaceSection, runLoad, type LoadResult } from '../support/load';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
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

async function post(base: string, raw: string): Promise<number> {
  const headers = signRequest({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: base + PATH, body: raw, timestamp: Date.now() });
  const res = await fetch(base + PATH, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: raw });
  await res.arrayBuffer();
  return res.status;
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

async function main() {
  const h = await startHarness({ sandbox: { scale: 1000 } });
  await createProgram(h);
  // REQUESTS referred friends who are customers now and were leads when referred.
  const db = h.service.ctx.database.db;
  const captured = Date.now() - 86_400_000;
  const referrer = h.sandbox.portal.create('contacts', { email: 'referrer@bench.example' });
  await insertEnrolment(db, { id: 'enr_bench', programId: 'spring', contactId: referrer.id, code: 'BENCH234', now: captured });
  const friends = h.sandbox.portal.createMany('contacts', Array.from({ length: REQUESTS }, (_, i) => ({
    properties: { email: `friend${i}@bench.example`, lifecyclestage: 'customer' },
  })));
  for (let i = 0; i < friends.length; i += 500) {
    await db.insertInto('referrals').values(friends.slice(i, i + 500).map((f, j) => ({
      id: `ref_b${i + j}`, program_id: 'spring', enrolment_id: 'enr_bench', referrer_contact_id: referrer.id, referred_contact_id: f.id,
      email: `friend${i + j}@bench.example`, email_normalised: `friend${i + j}@bench.example`, source: 'bench', flags: '[]',
      status: 'captured' as const, reason: null, evidence: null, deal_id: null, captured_at: captured, qualified_at: null, decided_at: null,
    }))).execute();
  }

  const bare = await bareEndpoint();
  const warm = (base: string) => runLoad(200, 20, (i) => post(base, body(`warm-${base}-${i}`, friends[0]!.id)));
  await warm(bare.url);
  const results: Array<[string, LoadResult]> = [];
  results.push(['bare endpoint: signature check only', await runLoad(REQUESTS, CONCURRENCY, (i) => post(bare.url, body(`bare-${i}`, friends[i]!.id)))]);
  results.push(['qualify: new decisions (5 HubSpot reads + ledger write each)', await runLoad(REQUESTS, CONCURRENCY, (i) => post(h.url, body(`cb-${i}`, friends[i]!.id)))]);
  results.push(['qualify: HubSpot retries of decided callbacks', await runLoad(REQUESTS, CONCURRENCY, (i) => post(h.url, body(`cb-${i}`, friends[i]!.id)))]);
  const rewards = await db.selectFrom('rewards').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  await bare.close();
  await h.close();
  if (Number(rewards.n) !== REQUESTS) throw new Error(`expected ${REQUESTS} rewards, found ${rewards.n}`);

  const base = results[0]![1];
  const rows = results.map(([name, r]) =>
    `| ${name} | ${r.throughput.toFixed(0)} | ${(r.throughput / base.throughput).toFixed(2)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(' ')} |`);
  const report = `Command: \`npx tsx bench/qualify/action-endpoint.ts\` (\`BENCH_REQUESTS\`, default 2000). ${REQUESTS} signed deliveries per row,
${CONCURRENCY} concurrent clients in the same process as the service, SQLite ledger, the sandbox portal in process with
its rate limits scaled ×1000. Every new decision reads the contact (with lifecycle history), the portal's lifecycle
stages, its pipelines and the contact's deals from the sandbox over HTTP, then writes the decision, the referral
change, the reward, audit rows and two sync jobs in one transaction. The run fails unless it ends with exactly one reward per referral.
Targets: at least half the bare endpoint's throughput, p99 under 50 ms.

| endpoint | requests/s | ratio to bare | p50 ms | p99 ms | statuses |
|---|---:|---:|---:|---:|---|
${rows.join('\n')}

Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, run ${new Date().toISOString().slice(0, 10)}.`;
  const file = 'BENCHMARKS.md';
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  fs.writeFileSync(file, replaceSection(current, 'Qualify action endpoint', report));
  process.stdout.write(`${report}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
