/**
 * Bulk enrolment benchmark: 50,000 contacts against the sandbox portal at Professional limits
 * (scaled), with injected 429/5xx answers, beside the one-request-per-contact approach.
 *
 *   npx tsx bench/enrolment/run.ts [--contacts 50000] [--scale 1] [--fault-rate 0.05] [--ranges 3] [--naive-slice 1000]
 *
 * The sandbox runs in its own process (sandbox-process.ts) so the peak memory measured here is the
 * enrolment side only, and so its answers can be told apart: refused by its rate limiter, or failed
 * on purpose. `--naive-slice 0` skips the one-request-per-contact comparison.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { migrateToLatest, openDatabase } from '../../server/db/database';
import { BATCH_SIZE, PARALLEL_RANGES, executeRun } from '../../server/enrolment/bulk-enrolment';
import { BY_ID_ASCENDING, SEARCH_PAGE_SIZE } from '../../server/enrolment/criteria';
import { formatProgress } from '../../server/enrolment/progress';
import { claimRun } from '../../server/enrolment/runs';
import { createHubSpotClient } from '../../server/hubspot/client';
import { HubSpotGateway, TIER_LIMITS, scaledLimits } from '../../server/hubspot/gateway';
import { P } from '../../server/hubspot/properties';
import { saveProgram } from '../../server/programs/repository';
import { setUpPortal } from '../../server/setup/hubspot-setup';
import { startSandboxProcess } from '../support/sandbox-process';
import type { TrafficReport } from './sandbox-process';
import { dashboardLinksFor } from '../../server/dashboard/dashboard-token';

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
    ranges: { type: 'string', default: String(PARALLEL_RANGES) },
  },
});
const CONTACTS = Number(args.contacts);
const SCALE = Number(args.scale);
const FAULT_RATE = Number(args['fault-rate']);
const NAIVE_SLICE = Number(args['naive-slice']);
const RANGES = Number(args.ranges);

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

/**
 * Least time in which the limits let these calls start: searches in bursts of 5/s·scale, other calls
 * within 190 per rolling 10 s·scale. The two limits apply at once, so the slower one bounds the run.
 * (The sandbox, like HubSpot's docs, does not count searches in the 10-second limit; the gateway
 * spends a slot there on each search anyway, which here does not bind: 750 calls in 40 s at 19/s.)
 */
function limitSeconds(searches: number, others: number): number {
  const limits = scaledLimits(TIER_LIMITS.professional, SCALE);
  const searchTime = Math.max(0, Math.ceil(searches / limits.searchesPerSecond) - 1);
  const otherTime = Math.max(0, Math.ceil(others / limits.perTenSeconds) - 1) * 10;
  return Math.max(searchTime, otherTime);
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((n, c) => n + c, 0);
const pct = (value: number, base: number) => Number(((value / base - 1) * 100).toFixed(1));

/**
 * The approach without batching: one search page at a time, then one update per contact (ten in
 * flight), on a slice of the contacts, extrapolated to all of them.
 */
async function perContact(url: string, client: ReturnType<typeof createHubSpotClient>, programId: string) {
  await admin(url, 'DELETE', '/sandbox/stats');
  await admin(url, 'POST', '/sandbox/rate-limits?reset=true', {});
  await new Promise((r) => setTimeout(r, 10_100)); // the batched run's calls leave the rolling window
  const gateway = new HubSpotGateway(client, { limits: scaledLimits(TIER_LIMITS.professional, SCALE), logger: pino({ level: 'silent' }) });
  const started = performance.now();
  let cursor: string | undefined;
  let done = 0;
  while (done < NAIVE_SLICE) {
    const page = await gateway.call('search', 'search', (c) => c.crm.contacts.searchApi.doSearch({
      filterGroups: cursor ? [{ filters: [{ propertyName: 'hs_object_id', operator: 'GT' as never, value: cursor }] }] : [],
      sorts: BY_ID_ASCENDING, properties: ['firstname'], limit: SEARCH_PAGE_SIZE,
    }));
    const slice = page.results.slice(0, NAIVE_SLICE - done);
    for (let i = 0; i < slice.length; i += 10) {
      await Promise.all(slice.slice(i, i + 10).map((contact) => gateway.call('write', 'update', (c) =>
        c.crm.contacts.basicApi.update(contact.id, { properties: { [P.program]: programId } }))));
    }
    done += slice.length;
    cursor = page.results[page.results.length - 1]?.id;
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = (await admin(url, 'GET', '/sandbox/stats')) as Stats;
  const calls = (stats.byEndpoint[SEARCH] ?? 0) + (stats.byEndpoint[SINGLE_UPDATE] ?? 0);
  const factor = CONTACTS / NAIVE_SLICE;
  return {
    slice: NAIVE_SLICE, seconds: Number(seconds.toFixed(1)), calls, byStatus: stats.byStatus,
    extrapolated: { contacts: CONTACTS, seconds: Math.round(seconds * factor), calls: Math.round(calls * factor) },
    // Every contact is one write: 19/s at Professional limits.
    limitSeconds: Math.round(CONTACTS / (scaledLimits(TIER_LIMITS.professional, SCALE).perTenSeconds / 10)),
  };
}

async function main() {
  const { url, child } = await startSandboxProcess(
    { SANDBOX_ACCESS_TOKEN: TOKEN, SANDBOX_SCALE: String(SCALE) },
    path.join(__dirname, 'sandbox-process.ts'),
  );
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
    await admin(url, 'DELETE', '/bench/traffic');
    await new Promise((r) => setTimeout(r, 1100)); // let the setup calls leave the rolling windows

    // --- batched: the product's bulk enrolment -------------------------------------------------
    const memory = memorySampler();
    const claim = await claimRun(database.db, program.id, false, Date.now());
    if (claim.kind === 'busy') throw new Error('run busy');
    const started = performance.now();
    let lastLine = 0;
    const run = await executeRun(
      { database, gateway, clock: Date.now, publicBaseUrl: 'https://refer.example.com', dashboardLinks: dashboardLinksFor({ publicBaseUrl: 'https://refer.example.com', hubspot: { clientSecret: 'bench-secret' } }), logger, parallelRanges: RANGES },
      program, claim.run, { type: 'system', id: 'bench' },
      { onProgress: (v) => { if (Date.now() - lastLine > 2000) { lastLine = Date.now(); process.stderr.write(`${formatProgress(v)}\n`); } } },
    );
    const seconds = (performance.now() - started) / 1000;
    const peakRss = memory.stop();
    const stats = (await admin(url, 'GET', '/sandbox/stats')) as Stats;
    const traffic = (await admin(url, 'GET', '/bench/traffic')) as TrafficReport;
    const enrolledInLedger = Number((await database.db.selectFrom('enrolments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const withCode = (await gateway.call('search', 'count enrolled contacts', (c) => c.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: P.code, operator: 'HAS_PROPERTY' as never }] }], limit: 1,
    }))).total;

    const minSearches = Math.ceil(CONTACTS / SEARCH_PAGE_SIZE);
    const minBatches = Math.ceil(CONTACTS / BATCH_SIZE);
    const minimum = minSearches + minBatches;
    const searches = stats.byEndpoint[SEARCH] ?? 0;
    const batches = stats.byEndpoint[BATCH_UPDATE] ?? 0;
    const injected = { searches: sum(traffic.search.injected), others: sum(traffic.other.injected) };
    const total = stats.total;
    // Injected failures are answers a client cannot avoid retrying; refusals by the limiter are its own doing.
    const withoutInjectedRetries = total - injected.searches - injected.others;
    const ideal = limitSeconds(minSearches, minBatches);
    // Injected failures take rate-limit slots too (the limiter admitted them): the least time including their retries.
    const withFaults = limitSeconds(minSearches + injected.searches, minBatches + injected.others);

    const batched = {
      ranges: RANGES, status: run.status, enrolled: run.counts.enrolled, failed: run.counts.failed, enrolledInLedger, contactsWithCodeInHubSpot: withCode,
      seconds: Number(seconds.toFixed(1)), peakRssMb: Math.round(peakRss / 1024 / 1024),
      requests: {
        total, searches, batchUpdates: batches, byStatus: stats.byStatus, gatewayRetries: run.counts.retries,
        injectedFailures: { searches: traffic.search.injected, others: traffic.other.injected },
        refusedByRateLimiter: { searches: traffic.search.refused, others: traffic.other.refused },
        withoutInjectedFailures: withoutInjectedRetries,
      },
      minimumRequests: { searches: minSearches, batchUpdates: minBatches, total: minimum },
      requestsOverMinimumPct: pct(total, minimum),
      requestsWithoutInjectedFailuresOverMinimumPct: pct(withoutInjectedRetries, minimum),
      limitSeconds: { fromMinimum: ideal, withInjectedFailures: withFaults },
      secondsOverLimitPct: { fromMinimum: pct(seconds, ideal), withInjectedFailures: pct(seconds, withFaults) },
    };
    process.stderr.write(`batched: ${JSON.stringify(batched)}\n`);

    const result = {
      setup: { contacts: CONTACTS, seeded, tier: 'professional', scale: SCALE, limits: scaledLimits(TIER_LIMITS.professional, SCALE), faultRate: FAULT_RATE, node: process.version },
      batched,
      perContact: NAIVE_SLICE > 0 ? await perContact(url, client, program.id) : null,
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
