import type { Db } from '../../server/db/database';
import type { Bucket } from '../../server/reports/time-buckets';

/**
 * The baseline: what a report costs without aggregates and indexes. Every row of every table the
 * report reads comes to the process (`select *`) and is counted in JavaScript.
 */
export async function naiveFunnel(db: Db, programId: string | undefined, buckets: Bucket[]) {
  const start = buckets[0]!.start;
  const end = buckets[buckets.length - 1]!.end;
  const bucketOf = (t: number | null) => {
    if (t === null || t < start || t >= end) return -1;
    let lo = 0;
    let hi = buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (buckets[mid]!.start <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const mine = (p: string | null) => p !== null && (programId === undefined || p === programId);
  const series = buckets.map(() => ({ enrolments: 0, clicks: 0, referredLeads: 0, qualified: 0, rewardsIssued: 0 }));

  for (const e of await db.selectFrom('enrolments').selectAll().execute()) {
    const b = bucketOf(e.created_at);
    if (mine(e.program_id) && b >= 0) series[b]!.enrolments++;
  }
  for (const c of await db.selectFrom('clicks').selectAll().execute()) {
    const b = bucketOf(c.at);
    if (mine(c.program_id) && b >= 0) series[b]!.clicks++;
  }
  const durations: number[] = [];
  const perReferrer = new Map<string, number>();
  const reasons = new Map<string | null, number>();
  let cohortQualified = 0;
  for (const r of await db.selectFrom('referrals').selectAll().execute()) {
    if (!mine(r.program_id)) continue;
    const captured = bucketOf(r.captured_at);
    if (captured >= 0) {
      series[captured]!.referredLeads++;
      if (r.status === 'qualified') cohortQualified++;
    }
    const qualified = r.status === 'qualified' ? bucketOf(r.qualified_at) : -1;
    if (qualified >= 0) {
      series[qualified]!.qualified++;
      durations.push(r.qualified_at! - r.captured_at);
      perReferrer.set(r.referrer_contact_id, (perReferrer.get(r.referrer_contact_id) ?? 0) + 1);
    }
    if (r.status === 'rejected' && bucketOf(r.decided_at) >= 0) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  }
  const amounts = new Map<string, number>();
  const approved = new Map<string, number>();
  let pendingReview = 0;
  for (const w of await db.selectFrom('rewards').selectAll().execute()) {
    if (!mine(w.program_id)) continue;
    if (w.status === 'pending_review') pendingReview++;
    if (w.status === 'approved' && bucketOf(w.created_at) >= 0) approved.set(w.currency, (approved.get(w.currency) ?? 0) + Number(w.amount));
    const b = w.status === 'issued' ? bucketOf(w.issued_at) : -1;
    if (b >= 0) {
      series[b]!.rewardsIssued++;
      amounts.set(w.currency, (amounts.get(w.currency) ?? 0) + Number(w.amount));
    }
  }
  const revenue = new Map<string, number>();
  for (const d of await db.selectFrom('referred_deals').selectAll().execute()) {
    if (mine(d.program_id) && d.amount !== null && d.currency !== null && bucketOf(d.won_at === null ? null : Number(d.won_at)) >= 0) {
      revenue.set(d.currency, (revenue.get(d.currency) ?? 0) + Number(d.amount));
    }
  }
  durations.sort((a, b) => a - b);
  const mid = Math.floor((durations.length - 1) / 2);
  const sum = (k: keyof (typeof series)[number]) => series.reduce((s, b) => s + b[k], 0);
  return {
    referredLeads: sum('referredLeads'),
    qualifiedReferrals: sum('qualified'),
    cohortQualified,
    clicks: sum('clicks'),
    enrolments: sum('enrolments'),
    rewardsIssued: sum('rewardsIssued'),
    pendingReview,
    medianTimeToQualifyMs: durations.length % 2 ? durations[mid] : (durations[mid]! + durations[mid + 1]!) / 2,
    amounts,
    approved,
    revenue,
    reasons,
    topReferrer: Math.max(0, ...perReferrer.values()),
  };
}
