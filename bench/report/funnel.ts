/**
 * Funnel report benchmark: `npx tsx bench/report/funnel.ts`.
 *
 * Loads a ledger of BENCH_REFERRALS referrals (default 1,000,000, with enrolments, clicks and
 * rewards in proportion) into SQLite (a temporary file) and, when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL names a PostgreSQL server, into a fresh database there. Then times the report
 * (median of BENCH_RUNS runs after a warm-up), revenue and reward cost included, beside the naive full scan (`select *` and counting in
 * JavaScript), checks that both give the same figures, and writes the results into the
 * "Funnel report" section of BENCHMARKS.md.
 */
import os from 'node:os';
import type { DatabaseHandle, Dialect } from '../../server/db/database';
import type { FunnelQuery } from '../../server/reports/funnel-query';
import { funnelReport, type FunnelReport } from '../../server/reports/funnel-report';
import { refreshRollup } from '../../server/reports/report-rollup';
import { bucketsFor } from '../../server/reports/time-buckets';
import { createBenchDatabase } from './bench-database';
import { generateLedger, LEDGER_END } from './ledger-generator';
import { naiveFunnel } from './naive-funnel';
import { writeSection } from '../support/benchmarks-file';

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
// The full scan takes tens of seconds on a million referrals: one run each unless asked for more.
const NAIVE_RUNS = Number(process.env.BENCH_NAIVE_RUNS ?? 1);
const TARGET_MS = 250;
// BENCHMARKS.md publishes the full ledger: a smaller trial run (BENCH_REFERRALS) only prints, unless BENCH_WRITE=1.
const WRITE = REFERRALS === 1_000_000 || process.env.BENCH_WRITE === '1';
const NOW = LEDGER_END;

const WINDOWS: Array<{ label: string; query: FunnelQuery }> = [
  { label: 'spring, 90 days, daily', query: { program: 'spring', from: '2026-04-01', to: '2026-06-30', interval: 'day', tz: 'Europe/Berlin' } },
  { label: 'spring, 2026, weekly', query: { program: 'spring', from: '2026-01-01', to: '2027-01-01', interval: 'week', tz: 'Europe/Berlin' } },
  { label: 'all programs, 90 days, daily', query: { from: '2026-04-01', to: '2026-06-30', interval: 'day', tz: 'America/New_York' } },
  { label: 'all programs, 2026, weekly', query: { from: '2026-01-01', to: '2027-01-01', interval: 'week', tz: 'America/New_York' } },
];

interface Result {
  dialect: Dialect;
  window: string;
  referredLeads: number;
  reportMs: number;
  naiveMs: number;
}


async function main() {
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const dialects: Dialect[] = pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];
  const results: Result[] = [];
  const loads: string[] = [];
  for (const dialect of dialects) {
    const target = await createBenchDatabase(dialect, pgUrl);
    try {
      const started = performance.now();
      const rows = await target.load(generateLedger(REFERRALS));
      const seconds = (performance.now() - started) / 1000;
      loads.push(`${dialect}: ${rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s (${Math.round(rows / seconds).toLocaleString('en-US')} rows/s)`);
      log(loads[loads.length - 1]!);
      // The first report rolls up every settled slot of the ledger; later ones add only new slots.
      const rollupStarted = performance.now();
      await refreshRollup(target.handle.db, NOW);
      loads.push(`${dialect}: rollup of the whole ledger built by the first report in ${((performance.now() - rollupStarted) / 1000).toFixed(1)} s`);
      log(loads[loads.length - 1]!);
      for (const { label, query } of WINDOWS) results.push(await measure(dialect, target.handle, label, query));
    } finally {
      await target.drop();
    }
  }
  if (WRITE) {
    writeSection('Funnel report', render(results, loads));
    log('Results written to BENCHMARKS.md');
  } else {
    log(render(results, loads));
  }
}

async function measure(dialect: Dialect, handle: DatabaseHandle, label: string, query: FunnelQuery): Promise<Result> {
  const report = await funnelReport(handle.db, query, NOW); // warm-up: caches, plans
  const reportMs = median(await times(RUNS, () => funnelReport(handle.db, query, NOW)));
  let naive: Awaited<ReturnType<typeof naiveFunnel>> | undefined;
  const naiveMs = median(await times(NAIVE_RUNS, async () => {
    naive = await naiveFunnel(handle.db, query.program, bucketsFor(query.from, query.to, query.interval, query.tz));
  }));
  assertAgree(report, naive!, `${dialect} ${label}`);
  log(`${dialect} ${label}: report ${reportMs.toFixed(1)} ms, naive ${naiveMs.toFixed(0)} ms, ${report.totals.referredLeads} referred leads`);
  return { dialect, window: label, referredLeads: report.totals.referredLeads, reportMs, naiveMs };
}

/** The baseline must compute the same thing, or the comparison means nothing. */
function assertAgree(report: FunnelReport, naive: Awaited<ReturnType<typeof naiveFunnel>>, what: string) {
  const t = report.totals;
  const pairs: Array<[string, unknown, unknown]> = [
    ['referredLeads', t.referredLeads, naive.referredLeads],
    ['qualifiedReferrals', t.qualifiedReferrals, naive.qualifiedReferrals],
    ['referredLeadsQualified', t.referredLeadsQualified, naive.cohortQualified],
    ['clicks', t.clicks, naive.clicks],
    ['enrolments', t.enrolments, naive.enrolments],
    ['rewardsIssued', t.rewardsIssued, naive.rewardsIssued],
    ['awaitingReview', t.rewardsAwaitingReview.count, naive.pendingReview],
    ['median', t.medianTimeToQualifyMs, naive.medianTimeToQualifyMs],
    ['amounts', JSON.stringify(t.rewardsIssuedByCurrency.map((c) => [c.currency, c.amount])),
      JSON.stringify([...naive.amounts.entries()].sort())],
    ['referred revenue', JSON.stringify(t.returns.filter((r) => r.wonDeals > 0).map((r) => [r.currency, r.referredRevenue])),
      JSON.stringify([...naive.revenue.entries()].sort())],
    ['approved reward cost', JSON.stringify(t.returns.filter((r) => r.rewardCostApproved > 0).map((r) => [r.currency, r.rewardCostApproved])),
      JSON.stringify([...naive.approved.entries()].sort())],
    ['rejections', t.rejections.reduce((s, r) => s + r.count, 0), [...naive.reasons.values()].reduce((s, n) => s + n, 0)],
    ['top referrer', t.topReferrers[0]?.qualified ?? 0, naive.topReferrer],
  ];
  for (const [name, a, b] of pairs) {
    if (a !== b) throw new Error(`${what}: the report and the full scan disagree on ${name}: ${String(a)} vs ${String(b)}`);
  }
}

async function times(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    result.push(performance.now() - started);
  }
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor((sorted.length - 1) / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid]! + sorted[mid + 1]!) / 2;
}

function render(results: Result[], loads: string[]): string {
  const rows = results.map((r) =>
    `| ${r.dialect} | ${r.window} | ${r.referredLeads.toLocaleString('en-US')} | ${r.reportMs.toFixed(1)} | ${r.naiveMs.toFixed(0)} | ${Math.round(r.naiveMs / r.reportMs)}× | ${r.reportMs < TARGET_MS ? 'yes' : '**no**'} |`,
  );
  return [
    `Command: \`npx tsx bench/report/funnel.ts\` (PostgreSQL too when \`BENCH_DATABASE_URL\` or \`TEST_DATABASE_URL\` is set).`,
    '',
    `Ledger: ${REFERRALS.toLocaleString('en-US')} referrals over 2025–2026 in four programs (half in "spring"), ` +
      `${(REFERRALS / 10).toLocaleString('en-US')} enrolments, 2 clicks per referral, rewards for qualified referrals ` +
      '(30% double-sided), a won deal for six in ten qualified referrals. Loaded with multi-row inserts (SQLite: prepared statements in transactions; PostgreSQL: `unnest` of column arrays), then `analyze` / `vacuum analyze`:',
    '',
    ...loads.map((l) => `- ${l}`),
    '',
    `Report: \`funnelReport\` (server/reports/funnel-report.ts), median of ${RUNS} runs after a warm-up. ` +
      `Naive: \`select *\` from enrolments, clicks, referrals, rewards and referred deals and counting in JavaScript, ${NAIVE_RUNS === 1 ? 'one run' : `median of ${NAIVE_RUNS} runs`}. ` +
      'The run fails unless both give the same totals. Target: under 250 ms.',
    '',
    '| database | window | referred leads | report ms | naive ms | naive / report | under 250 ms |',
    '|---|---|---:|---:|---:|---:|---|',
    ...rows,
    '',
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
      `run ${new Date().toISOString().slice(0, 10)}; load average at the end of the run ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} ` +
      '(other work shared the machine, so absolute times are pessimistic; the ratios compare runs made side by side).',
    '',
    'Reading: counts that cannot change once an hour slot is over (enrolments, clicks, referred leads, issued rewards ' +
      'and their amounts) come from the settled rollup (server/reports/report-rollup.ts), built by the report for slots that ended an hour ago. ' +
      'Figures that follow a referral\'s current status come from the decision rollup (migration 006), which triggers on `referrals` keep exact: ' +
      'qualified referrals per hour slot (by qualification and by capture time), and per UTC day the time-to-qualify classes and the rejections per reason; ' +
      'triggers on `referred_deals` (migration 014) keep the won deals\' amounts per UTC day and currency. ' +
      'The ledger answers only the parts of a period the rollups do not cover: the last hour, and bucket edges off the hour. ' +
      'The median reads only the referrals of the class that holds it; top referrers walk the all-time tallies per referrer (an upper bound of a period\'s count) ' +
      'and stop once the bound falls below the tenth place. So a report costs in proportion to the hours and days of its period, not to its referrals.',
  ].join('\n');
}

function log(line: string) {
  process.stdout.write(`${line}\n`);
}

main().catch((err) => {
  process.stderr.write(`Benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
