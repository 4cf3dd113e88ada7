/**
 * Bulk enrolment benchmark: 50,000 contacts against the sandbox portal at Professional limits
 * (scaled), with injected 429/5xx answers, beside the one-request-per-contact approach.
 *
 *   npx tsx bench/enrolment/run.ts [--contacts 50000] [--scale 1] [--fault-rate 0.05] [--naive-slice 1000]
 *
 * The sandbox runs in its own process so the peak memory measured here is the enrolment side only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { migrateToLatest, openDatabase } from '../../server/db/database';
import { executeRun } from '../../server/enrolment/bulk-enrolment';
import { BY_ID_ASCENDING, SEARCH_PAGE_SIZE } from '../../server/enrolment/criteria';
import { formatProgress } from '../../server/enrolment/progress';
import { claimRun } from '../../server/enrolment/runs';
import { createHubSpotClient } from '../../server/hubspot/client';
import { HubSpotGateway, TIER_LIMITS, scaledLimits } from '../../server/hubspot/gateway';
import { P } from '../../server/hubspot/properties';
import { saveProgram } from '../../server/programs/repository';
import { setUpPortal } from '../../server/setup/hubspot-setup';

const TOKEN = 'bench-token';
const SEARCH = 'POST /crm/v3/objects/contacts/search';
const BATCH_UPDATE = 'POST /crm/v3/objects/contacts/batch/update';
const SINGLE_UPDATE = 'PATCH /crm/v3/objects/contacts/{id}';

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '50000' },
    scale: { type: 'string', default: '1' },
    'fault-rate': { type: 'string', default: '0.05' },
    'naive-slice': { type: 'string', default: '1000' },
  },
});
const CONTACTS = Number(args.contacts);
const SCALE = Number(args.scale);
const FAULT_RATE = Number(args['fault-rate']);
const NAIVE_SLICE = Number(args['naive-slice']);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function startSandboxProcess(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'sandbox/main.ts'], {
    env: { ...process.env, SANDBOX_PORT: String(port), SANDBOX_ACCESS_TOKEN: TOKEN, SANDBOX_TIER: 'professional', SANDBOX_SCALE: String(SCALE), LOG_LEVEL: 'warn', PORT: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/sandbox`)).ok) return { url, child };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('The sandbox did not start within 30 s');
}

async function admin(url: string, method: string, route: string, body?: unknown) {
  const res = await fetch(`${url}${route}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : (res.json() as Promise<unknown>);
}

interface Stats { total: number; byEndpoint: Record<string, number>; byStatus: Record<string, number> }

function memorySampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 25);
  return { stop: () => { clearInterval(timer); return Math.max(peak, process.memoryUsage().rss); } };
}

/** Shortest time the limits allow: searches at 5/s·scale, writes within 190/10 s·scale (rolling). */
function limitSeconds(searches: number, writes: number): number {
  const limits = scaledLimits(TIER_LIMITS.professional, SCALE);
  const searchTime = Math.max(0, Math.ceil(searches / limits.searchesPerSecond) - 1);
  // The gateway also spends a general slot per search.
  const general = searches + writes;
  const writeTime = Math.max(0, Math.ceil(general / limits.perTenSeconds) - 1) * 10;
  return Math.max(searchTime, writeTime);
}

async function main() {
  const { url, child } = await startSandboxProcess();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-enrolment-'));
  const database = openDatabase(`sqlite:${path.join(dir, 'ledger.sqlite')}`);
  try {
    await migrateToLatest(database);
    const seeded = await admin(url, 'POST', '/sandbox/seed', { contacts: CONTACTS, companies: 0, deals: 0, owners: 5, seed: 7 });
    const logger = pino({ level: 'silent' });
    const client = createHubSpotClient({ accessToken: TOKEN, apiBase: url, retries: 0 });
    const gateway = new HubSpotGateway(client, { limits: scaledLimits(TIER_LIMITS.professional, SCALE), logger });
    await setUpPortal(gateway);
    const { program } = await saveProgram(database.db, {
      id: 'bench', name: 'Benchmark', status: 'active', ownerId: '1001', rewards: { referrer: { kind: 'credit', amount: 1000, currency: 'USD' } },
    }, Date.now());

    await admin(url, 'POST', '/sandbox/faults', { rate: FAULT_RATE, statuses: [429, 500, 502, 503] });
    await admin(url, 'POST', '/sandbox/rate-limits?reset=true', {});
    await admin(url, 'DELETE', '/sandbox/stats');
    await new Promise((r) => setTimeout(r, 1100)); // let the setup calls leave the rolling windows

    // --- batched: the product's bulk enrolment -------------------------------------------------
    const memory = memorySampler();
    const claim = await claimRun(database.db, program.id, false, Date.now());
    if (claim.kind === 'busy') throw new Error('run busy');
    const started = performance.now();
    let lastLine = 0;
    const run = await executeRun(
      { database, gateway, clock: Date.now, publicBaseUrl: 'https://refer.example.com', logger },
      program, claim.run, { type: 'system', id: 'bench' },
      { onProgress: (v) => { if (Date.now() - lastLine > 2000) { lastLine = Date.now(); process.stderr.write(`${formatProgress(v)}\n`); } } },
    );
    const seconds = (performance.now() - started) / 1000;
    const peakRss = memory.stop();
    const stats = (await admin(url, 'GET', '/sandbox/stats')) as Stats;
    const enrolledInLedger = Number((await database.db.selectFrom('enrolments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const withCode = (await gateway.call('search', 'count enrolled contacts', (c) => c.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: P.code, operator: 'HAS_PROPERTY' as never }] }], limit: 1,
    }))).total;

    const minSearches = Math.ceil(CONTACTS / SEARCH_PAGE_SIZE);
    const minBatches = Math.ceil(CONTACTS / 100);
    const searches = stats.byEndpoint[SEARCH] ?? 0;
    const batches = stats.byEndpoint[BATCH_UPDATE] ?? 0;
    const faulted = Object.entries(stats.byStatus).filter(([s]) => s !== '200').reduce((n, [, c]) => n + c, 0);
    const ideal = limitSeconds(minSearches, minBatches);
    // Injected failures use up rate-limit slots too: the least time with the calls actually needed.
    const withFaults = limitSeconds(searches, batches);

    // --- one request per contact, on a slice -------------------------------------------------
    await admin(url, 'DELETE', '/sandbox/stats');
    await admin(url, 'POST', '/sandbox/rate-limits?reset=true', {});
    await new Promise((r) => setTimeout(r, 10_100));
    const naiveGateway = new HubSpotGateway(client, { limits: scaledLimits(TIER_LIMITS.professional, SCALE), logger });
    const naiveStart = performance.now();
    let cursor: string | undefined;
    let done = 0;
    while (done < NAIVE_SLICE) {
      const page = await naiveGateway.call('search', 'search', (c) => c.crm.contacts.searchApi.doSearch({
        filterGroups: cursor ? [{ filters: [{ propertyName: 'hs_object_id', operator: 'GT' as never, value: cursor }] }] : [],
        sorts: BY_ID_ASCENDING, properties: ['firstname'], limit: SEARCH_PAGE_SIZE,
      }));
      const slice = page.results.slice(0, NAIVE_SLICE - done);
      // Ten requests in flight: enough to be paced by the limit rather than by round trips.
      for (let i = 0; i < slice.length; i += 10) {
        await Promise.all(slice.slice(i, i + 10).map((contact) => naiveGateway.call('write', 'update', (c) =>
          c.crm.contacts.basicApi.update(contact.id, { properties: { [P.program]: program.id } }))));
      }
      done += slice.length;
      cursor = page.results[page.results.length - 1]?.id;
    }
    const naiveSeconds = (performance.now() - naiveStart) / 1000;
    const naiveStats = (await admin(url, 'GET', '/sandbox/stats')) as Stats;
    const naiveCalls = (naiveStats.byEndpoint[SEARCH] ?? 0) + (naiveStats.byEndpoint[SINGLE_UPDATE] ?? 0);
    const factor = CONTACTS / NAIVE_SLICE;

    const result = {
      setup: { contacts: CONTACTS, seeded, tier: 'professional', scale: SCALE, limits: scaledLimits(TIER_LIMITS.professional, SCALE), faultRate: FAULT_RATE, node: process.version },
      batched: {
        status: run.status, enrolled: run.counts.enrolled, failed: run.counts.failed, enrolledInLedger, contactsWithCodeInHubSpot: withCode,
        seconds: Number(seconds.toFixed(1)), peakRssMb: Math.round(peakRss / 1024 / 1024),
        calls: { searches, batchUpdates: batches, total: stats.total, nonSuccess: faulted, byStatus: stats.byStatus, gatewayRetries: run.counts.retries },
        minimumCalls: { searches: minSearches, batchUpdates: minBatches, total: minSearches + minBatches },
        callsOverMinimumPct: Number((((searches + batches) / (minSearches + minBatches) - 1) * 100).toFixed(1)),
        successfulCallsOverMinimumPct: Number((((searches + batches - faulted) / (minSearches + minBatches) - 1) * 100).toFixed(1)),
        limitSecondsIdeal: ideal, limitSecondsForCallsMade: withFaults,
        overLimitIdealPct: Number(((seconds / ideal - 1) * 100).toFixed(1)),
        overLimitForCallsMadePct: Number(((seconds / withFaults - 1) * 100).toFixed(1)),
      },
      perContact: {
        slice: NAIVE_SLICE, seconds: Number(naiveSeconds.toFixed(1)), calls: naiveCalls, byStatus: naiveStats.byStatus,
        extrapolated: { contacts: CONTACTS, seconds: Math.round(naiveSeconds * factor), calls: Math.round(naiveCalls * factor) },
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
    child.kill();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
