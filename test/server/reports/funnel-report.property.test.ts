import fc from 'fast-check';
import { funnelReport, type FunnelReport } from '../../../server/reports/funnel-report';
import type { FunnelQuery } from '../../../server/reports/funnel-query';
import { SETTLE_MS } from '../../../server/reports/report-rollup';
import { addDays, startOfLocalDay } from '../../../server/reports/time-buckets';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';
import { recountFunnel, localDateOf } from './funnel-recount';
import {
  buildClick, buildEnrolment, buildProgram, buildReferral, buildReferredDeal, buildReward, clearLedger, insertLedger, type Ledger,
} from './ledger-factories';

/**
 * Random ledgers around daylight-saving changes, reported by SQL and recounted in TypeScript:
 * every figure must agree, on every database, whether the rollup covers all, part or none of the period.
 */

/**
 * Zones and dates of their clock changes: at 02:00 (Berlin, New York), at midnight so the day has
 * no 00:00 (Santiago, Havana in March), back to 00:00 so it has two (Havana in November), by 30
 * minutes (Lord Howe), and fixed odd offsets.
 */
const ZONES: Record<string, string[]> = {
  'UTC': ['2026-06-15'],
  'Europe/Berlin': ['2026-03-29', '2025-10-26'],
  'America/New_York': ['2026-03-08', '2025-11-02'],
  'America/Santiago': ['2025-09-07', '2026-04-05'],
  'America/Havana': ['2026-03-08', '2025-11-02'],
  'Australia/Lord_Howe': ['2025-10-05', '2026-04-05'],
  'Asia/Kathmandu': ['2026-01-01'],
};
const zoneAndAnchor = fc.constantFrom(...Object.entries(ZONES).flatMap(([tz, dates]) => dates.map((anchor) => ({ tz, anchor }))));

/** A time relative to the scenario, so shrinking keeps it meaningful: anywhere, or at a bucket edge ±1 ms. */
const time = fc.oneof(
  fc.record({ uniform: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ day: fc.integer({ min: -10, max: 75 }), delta: fc.constantFrom(-1, 0, 1) }),
);
type Time = typeof time extends fc.Arbitrary<infer T> ? T : never;

/** Deals close at any time, or within hours of the period's edges, where the report reads deals instead of day tallies. */
const HOUR = 3_600_000;
const dealTime = fc.oneof(
  time,
  fc.record({ edge: fc.constantFrom('from' as const, 'to' as const), offset: fc.integer({ min: -3 * HOUR, max: 3 * HOUR }) }),
);
type DealTime = typeof dealTime extends fc.Arbitrary<infer T> ? T : never;

const scenario = fc.record({
  zone: zoneAndAnchor,
  shift: fc.integer({ min: -20, max: 3 }),
  days: fc.integer({ min: 1, max: 60 }),
  interval: fc.constantFrom('day' as const, 'week' as const),
  programs: fc.integer({ min: 1, max: 3 }),
  reportProgram: fc.option(fc.nat(2), { nil: undefined }),
  enrolments: fc.array(fc.record({ program: fc.nat(2), contact: fc.integer({ min: 1, max: 12 }), at: time }), { maxLength: 10 }),
  referrals: fc.array(
    fc.record({
      enrolment: fc.nat(9),
      status: fc.constantFrom('captured' as const, 'qualified' as const, 'rejected' as const),
      captured: time,
      decided: time,
      reason: fc.constantFrom('self_referral', 'existing_customer', 'outside_window', null),
    }),
    { maxLength: 25 },
  ),
  rewards: fc.array(
    fc.record({
      referral: fc.nat(24),
      status: fc.constantFrom('pending_review' as const, 'held' as const, 'approved' as const, 'issued' as const, 'rejected' as const, 'canceled' as const),
      currency: fc.constantFrom('USD', 'EUR', 'JPY'),
      amount: fc.integer({ min: 1, max: 100_000 }),
      created: time,
      issued: time,
    }),
    { maxLength: 15 },
  ),
  clicks: fc.array(fc.record({ program: fc.option(fc.nat(2), { nil: null }), at: time }), { maxLength: 20 }),
  // Deals of referred contacts: won (at some time) or not, with or without an amount.
  deals: fc.array(
    fc.record({
      referral: fc.nat(24),
      won: fc.option(dealTime, { nil: null }),
      amount: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: null }),
      currency: fc.constantFrom('USD', 'EUR', 'JPY'),
    }),
    { maxLength: 12 },
  ),
  // The report asked for one currency, or for all.
  currency: fc.option(fc.constantFrom('USD', 'EUR', 'GBP'), { nil: undefined }),
  // Deals read again after the rollups were built: moved out of (or into) closed won, amount edited.
  laterDeals: fc.array(
    fc.record({ deal: fc.nat(11), won: fc.option(dealTime, { nil: null }), amount: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: null }) }),
    { maxLength: 4 },
  ),
  // Earlier reports: the rollup then ends inside the ledger and the later reports extend it.
  earlierReports: fc.array(time, { maxLength: 2 }),
  // Decisions made after those reports (a reviewer's rejection, a late qualification).
  laterDecisions: fc.array(
    fc.record({
      referral: fc.nat(24),
      status: fc.constantFrom('qualified' as const, 'rejected' as const, 'captured' as const),
      decided: time,
      reason: fc.constantFrom('reviewer', 'existing_customer', null),
    }),
    { maxLength: 6 },
  ),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

type ReferralChange = Pick<Ledger['referrals'][number], 'status' | 'qualified_at' | 'decided_at' | 'reason'>;

function materialise(s: Scenario): {
  ledger: Ledger;
  query: FunnelQuery;
  nows: number[];
  laterDecisions: Array<{ id: string; change: ReferralChange }>;
  laterDeals: Array<{ referralId: string; dealId: string; change: { won_at: number | null; amount: number | null } }>;
} {
  const { tz, anchor } = s.zone;
  const from = addDays(anchor, s.shift);
  const to = addDays(from, s.days);
  const windowStart = startOfLocalDay(addDays(from, -10), tz);
  const windowEnd = startOfLocalDay(addDays(to, 10), tz);
  // Edge times reach past the window; the report is made after all of them.
  const now = startOfLocalDay(addDays(from, 80), tz);
  const at = (t: Time): number =>
    'uniform' in t
      ? windowStart + Math.floor(t.uniform * (windowEnd - windowStart - 1))
      : startOfLocalDay(addDays(from, t.day), tz) + t.delta;
  const dealAt = (t: DealTime): number => ('edge' in t ? startOfLocalDay(t.edge === 'from' ? from : to, tz) + t.offset : at(t));

  const programs = Array.from({ length: s.programs }, (_, i) => buildProgram({ id: `p${i}`, name: `Program ${i}` }));
  const programOf = (i: number) => programs[i % programs.length]!.id;
  const seen = new Set<string>();
  const enrolments = s.enrolments
    .map((e) => buildEnrolment({ program_id: programOf(e.program), contact_id: String(e.contact), created_at: at(e.at) }))
    .filter((e) => !seen.has(`${e.program_id}:${e.contact_id}`) && seen.add(`${e.program_id}:${e.contact_id}`));
  const referrals = enrolments.length === 0 ? [] : s.referrals.map((r) => {
    const enrolment = enrolments[r.enrolment % enrolments.length]!;
    const capturedAt = at(r.captured);
    const decidedAt = Math.max(capturedAt, at(r.decided));
    return buildReferral({
      program_id: enrolment.program_id, enrolment_id: enrolment.id!, referrer_contact_id: enrolment.contact_id,
      status: r.status, captured_at: capturedAt,
      qualified_at: r.status === 'qualified' ? decidedAt : null,
      decided_at: r.status === 'captured' ? null : decidedAt,
      reason: r.status === 'rejected' ? r.reason : null,
    });
  });
  const rewards = referrals.length === 0 ? [] : s.rewards.map((w) => {
    const referral = referrals[w.referral % referrals.length]!;
    const createdAt = at(w.created);
    return buildReward({
      program_id: referral.program_id, referral_id: referral.id!, status: w.status, currency: w.currency, amount: w.amount,
      created_at: createdAt, issued_at: w.status === 'issued' ? Math.max(createdAt, at(w.issued)) : null,
    });
  });
  const clicks = s.clicks.map((c) => buildClick({ program_id: c.program === null ? null : programOf(c.program), at: at(c.at) }));
  const referredDeals = referrals.length === 0 ? [] : s.deals.map((d) => {
    const referral = referrals[d.referral % referrals.length]!;
    return buildReferredDeal({
      program_id: referral.program_id, referral_id: referral.id!, won_at: d.won === null ? null : dealAt(d.won), amount: d.amount, currency: d.currency,
    });
  });
  const program = s.reportProgram === undefined ? undefined : programOf(s.reportProgram);
  return {
    ledger: { programs, enrolments, referrals, rewards, clicks, referredDeals },
    query: { program, from, to, interval: s.interval, tz, currency: s.currency },
    // SETTLE_MS after an event time, the rollup ends at that event's slot: edges meet events.
    nows: [...s.earlierReports.map((t) => at(t) + SETTLE_MS), now].sort((a, b) => a - b),
    laterDecisions: referrals.length === 0 ? [] : s.laterDecisions.map((d) => {
      const referral = referrals[d.referral % referrals.length]!;
      const decidedAt = Math.max(referral.captured_at!, at(d.decided));
      return {
        id: referral.id!,
        change: {
          status: d.status,
          qualified_at: d.status === 'qualified' ? decidedAt : d.status === 'rejected' ? referral.qualified_at : null,
          decided_at: d.status === 'captured' ? null : decidedAt,
          reason: d.status === 'rejected' ? d.reason : null,
        },
      };
    }),
    laterDeals: referredDeals.length === 0 ? [] : s.laterDeals.map((d) => {
      const deal = referredDeals[d.deal % referredDeals.length]!;
      return { referralId: deal.referral_id, dealId: deal.deal_id, change: { won_at: d.won === null ? null : dealAt(d.won), amount: d.amount } };
    }),
  };
}

describe.each(dialects)('funnel report on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database.drop());

  it('agrees with a row-by-row recount on random ledgers, time zones and periods', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { ledger, query, nows, laterDecisions, laterDeals } = materialise(s);
        await clearLedger(database.db);
        await insertLedger(database.db, ledger);

        let report!: FunnelReport;
        for (const now of nows) {
          report = await funnelReport(database.db, query, now);
          const { period: _p, series, ...rest } = report;
          expect({ ...rest, series: series.map(({ start: _s, end: _e, ...counts }) => counts) }).toEqual(recountFunnel(ledger, query, now));
        }
        const { period, series } = report;

        // Status and deal changes after the rollups were built; the top referrers found both ways.
        for (const { id, change } of laterDecisions) {
          await database.db.updateTable('referrals').set(change).where('id', '=', id).execute();
          Object.assign(ledger.referrals.find((r) => r.id === id)!, change);
        }
        for (const { referralId, dealId, change } of laterDeals) {
          await database.db.updateTable('referred_deals').set(change).where('referral_id', '=', referralId).where('deal_id', '=', dealId).execute();
          Object.assign(ledger.referredDeals!.find((d) => d.referral_id === referralId && d.deal_id === dealId)!, change);
        }
        const now = nows[nows.length - 1]!;
        for (const topReferrers of [undefined, { groupUpTo: 0, page: 1, candidates: Infinity }, { groupUpTo: 0, page: 3, candidates: Infinity }, { groupUpTo: 0, page: 1, candidates: 1 }]) {
          const tuning = topReferrers ? { topReferrers } : {};
          const { period: _p, series: later, ...rest } = await funnelReport(database.db, query, now, tuning);
          expect({ ...rest, series: later.map(({ start: _s, end: _e, ...counts }) => counts) }).toEqual(recountFunnel(ledger, query, now));
        }

        // Each bucket starts at the first instant of its local date, and the buckets tile the period.
        expect(period.start).toBe(series[0]!.start);
        expect(period.end).toBe(series[series.length - 1]!.end);
        series.forEach((b, i) => {
          const start = Date.parse(b.start);
          expect(localDateOf(start, query.tz)).toBe(b.date);
          expect(localDateOf(start - 1, query.tz) < b.date).toBe(true);
          if (i > 0) expect(b.start).toBe(series[i - 1]!.end);
        });
      }),
      { numRuns: 25 },
    );
  });
});
