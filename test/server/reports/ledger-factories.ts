import type { Insertable } from 'kysely';
import type { Db } from '../../../server/db/database';
import { resetRollup } from '../../../server/reports/report-rollup';
import type { ClickTable, EnrolmentTable, ProgramTable, ReferralTable, ReferredDealTable, RewardTable } from '../../../server/db/schema';

/** Ledger rows with sensible defaults; tests override only what they are about. */
export type ProgramRow = Insertable<ProgramTable>;
export type EnrolmentRow = Insertable<EnrolmentTable>;
export type ReferralRow = Insertable<ReferralTable>;
export type RewardRow = Insertable<RewardTable>;
export type ClickRow = Insertable<ClickTable>;
export type ReferredDealRow = Insertable<ReferredDealTable>;

const T0 = Date.UTC(2026, 0, 1);
let sequence = 0;
const next = () => ++sequence;

export function buildProgram(overrides: Partial<ProgramRow> = {}): ProgramRow {
  const n = next();
  return { id: `prog${n}`, name: `Program ${n}`, status: 'active', config: '{}', created_at: T0, updated_at: T0, ...overrides };
}

export function buildEnrolment(overrides: Partial<EnrolmentRow> & Pick<EnrolmentRow, 'program_id'>): EnrolmentRow {
  const n = next();
  const code = `CODE${n}`;
  return {
    id: `enr${n}`, contact_id: String(100 + n), code, link: `https://example.org/r/${code}`,
    status: 'active', source: 'bulk', created_at: T0, updated_at: T0, ...overrides,
  };
}

export function buildReferral(overrides: Partial<ReferralRow> & Pick<ReferralRow, 'program_id' | 'enrolment_id'>): ReferralRow {
  const n = next();
  return {
    id: `ref${n}`, referrer_contact_id: '100', referred_contact_id: String(5000 + n),
    email: `friend${n}@example.org`, email_normalised: `friend${n}@example.org`, source: 'form', flags: '[]',
    status: 'captured', reason: null, evidence: null, captured_at: T0, qualified_at: null, decided_at: null, ...overrides,
  };
}

export function buildReward(overrides: Partial<RewardRow> & Pick<RewardRow, 'program_id' | 'referral_id'>): RewardRow {
  const n = next();
  const recipient = overrides.recipient ?? 'referrer';
  return {
    id: `rwd${n}`, recipient, recipient_contact_id: '100', kind: 'cash', amount: 5000, currency: 'USD',
    status: 'approved', idempotency_key: `${overrides.program_id}:${overrides.referral_id}:${recipient}:${n}`,
    review_reasons: '[]', hold_until: null, fulfilment_ref: null, callback_id: null,
    created_at: T0, updated_at: T0, issued_at: null, ...overrides,
  };
}

export function buildClick(overrides: Partial<ClickRow> = {}): ClickRow {
  return { program_id: null, enrolment_id: null, code: 'UNKNOWN', at: T0, ...overrides };
}

export function buildReferredDeal(overrides: Partial<ReferredDealRow> & Pick<ReferredDealRow, 'program_id' | 'referral_id'>): ReferredDealRow {
  const n = next();
  return { deal_id: String(9000 + n), amount: 1_200_000, currency: 'EUR', won_at: T0, read_at: T0, ...overrides };
}

export interface Ledger {
  programs: ProgramRow[];
  enrolments: EnrolmentRow[];
  referrals: ReferralRow[];
  rewards: RewardRow[];
  clicks: ClickRow[];
  referredDeals?: ReferredDealRow[];
}

export async function insertLedger(db: Db, ledger: Ledger): Promise<void> {
  if (ledger.programs.length) await db.insertInto('programs').values(ledger.programs).execute();
  if (ledger.enrolments.length) await db.insertInto('enrolments').values(ledger.enrolments).execute();
  if (ledger.referrals.length) await db.insertInto('referrals').values(ledger.referrals).execute();
  if (ledger.rewards.length) await db.insertInto('rewards').values(ledger.rewards).execute();
  if (ledger.clicks.length) await db.insertInto('clicks').values(ledger.clicks).execute();
  if (ledger.referredDeals?.length) await db.insertInto('referred_deals').values(ledger.referredDeals).execute();
}

/** Empties the ledger and the report's rollup, which would otherwise still count the rows removed. */
export async function clearLedger(db: Db): Promise<void> {
  for (const table of ['referred_deals', 'rewards', 'referrals', 'clicks', 'enrolments', 'programs'] as const) {
    await db.deleteFrom(table).execute();
  }
  await resetRollup(db);
}
