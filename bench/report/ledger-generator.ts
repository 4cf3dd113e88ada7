/**
 * A large, realistic ledger produced in chunks from a seeded random source, so SQLite and PostgreSQL
 * get the same rows and a run can be repeated. Proportions per referral: 0.1 enrolments, 2 clicks,
 * about 0.55 rewards, 0.27 won deals (six in ten qualified referrals); referrals spread over two
 * years across four programs of different size.
 */

export const LEDGER_START = Date.UTC(2025, 0, 1);
export const LEDGER_END = Date.UTC(2027, 0, 1);
const DAY = 86_400_000;

export const PROGRAMS = [
  { id: 'spring', name: 'Spring referrals', weight: 0.5, currency: 'USD' },
  { id: 'partners', name: 'Partner program', weight: 0.25, currency: 'EUR' },
  { id: 'uk', name: 'UK customers', weight: 0.15, currency: 'GBP' },
  { id: 'japan', name: 'Japan', weight: 0.1, currency: 'JPY' },
] as const;

const REJECTION_REASONS = ['self_referral', 'existing_customer', 'outside_window', 'referrer_cap_reached', null];
const REWARD_STATUSES = [
  ['issued', 0.7], ['approved', 0.1], ['held', 0.05], ['pending_review', 0.05], ['rejected', 0.05], ['canceled', 0.05],
] as const;

export type Row = Record<string, string | number | null>;
export interface Chunk {
  programs: Row[];
  enrolments: Row[];
  referrals: Row[];
  rewards: Row[];
  clicks: Row[];
  referred_deals: Row[];
}

/** mulberry32: tiny, fast and good enough to spread test data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function* generateLedger(referralCount: number, chunkSize = 20_000, seed = 7): Generator<Chunk> {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const programOf = () => {
    let r = rand();
    for (const p of PROGRAMS) if ((r -= p.weight) < 0) return p;
    return PROGRAMS[0];
  };
  const enrolmentCount = Math.max(1, Math.floor(referralCount / 10));
  // Enrolment i belongs to program i % 4 with the program's weight: ids are derived, not stored.
  const enrolmentsOf = new Map<string, number[]>(PROGRAMS.map((p) => [p.id, []]));
  const enrolmentProgram: string[] = [];
  for (let i = 0; i < enrolmentCount; i++) {
    const program = programOf().id;
    enrolmentProgram.push(program);
    enrolmentsOf.get(program)!.push(i);
  }
  const contactOf = (i: number) => String(1_000_000 + i);
  const codeOf = (i: number) => `C${i.toString(36).toUpperCase().padStart(7, '0')}`;

  yield {
    programs: PROGRAMS.map((p) => ({
      id: p.id, name: p.name, status: 'active', config: '{}', created_at: LEDGER_START, updated_at: LEDGER_START,
    })),
    enrolments: [], referrals: [], rewards: [], clicks: [], referred_deals: [],
  };
  for (let i = 0; i < enrolmentCount; i += chunkSize) {
    const enrolments: Row[] = [];
    for (let e = i; e < Math.min(enrolmentCount, i + chunkSize); e++) {
      const created = LEDGER_START - 60 * DAY + Math.floor(rand() * (LEDGER_END - LEDGER_START));
      enrolments.push({
        id: `enr_${e}`, program_id: enrolmentProgram[e]!, contact_id: contactOf(e), code: codeOf(e),
        link: `https://refer.example.org/r/${codeOf(e)}`, status: 'active', source: 'bulk', created_at: created, updated_at: created,
      });
    }
    yield { programs: [], enrolments, referrals: [], rewards: [], clicks: [], referred_deals: [] };
  }

  let rewardId = 0;
  for (let i = 0; i < referralCount; i += chunkSize) {
    const chunk: Chunk = { programs: [], enrolments: [], referrals: [], rewards: [], clicks: [], referred_deals: [] };
    for (let r = i; r < Math.min(referralCount, i + chunkSize); r++) {
      const program = programOf();
      const enrolment = pick(enrolmentsOf.get(program.id)!);
      const captured = LEDGER_START + Math.floor(rand() * (LEDGER_END - LEDGER_START));
      const roll = rand();
      const status = roll < 0.45 ? 'qualified' : roll < 0.6 ? 'rejected' : 'captured';
      const decided = status === 'captured' ? null : captured + Math.floor(rand() * rand() * 30 * DAY);
      const id = `ref_${r}`;
      chunk.referrals.push({
        id, program_id: program.id, enrolment_id: `enr_${enrolment}`, referrer_contact_id: contactOf(enrolment),
        referred_contact_id: String(50_000_000 + r), email: `friend${r}@example.org`, email_normalised: `friend${r}@example.org`,
        source: 'form', flags: '[]', status, reason: status === 'rejected' ? pick(REJECTION_REASONS) : null, evidence: null,
        captured_at: captured, qualified_at: status === 'qualified' ? decided : null, decided_at: decided,
      });
      for (let c = 0; c < 2; c++) {
        const unknownCode = rand() < 0.02;
        chunk.clicks.push({
          program_id: unknownCode ? null : program.id, enrolment_id: unknownCode ? null : `enr_${enrolment}`,
          code: unknownCode ? 'NOSUCHCODE' : codeOf(enrolment), at: captured - Math.floor(rand() * 3 * DAY),
        });
      }
      if (status !== 'qualified') continue;
      if (rand() < 0.6) {
        const wonAt = decided! + Math.floor(rand() * 60 * DAY);
        const major = 1000 + Math.floor(rand() * 49_000);
        chunk.referred_deals.push({
          referral_id: id, deal_id: String(70_000_000 + r), program_id: program.id,
          amount: major * 100, currency: program.currency, won_at: wonAt, read_at: wonAt,
        });
      }
      for (const recipient of rand() < 0.3 ? ['referrer', 'friend'] : ['referrer']) {
        let s = rand();
        const rewardStatus = REWARD_STATUSES.find(([, share]) => (s -= share) < 0)?.[0] ?? 'issued';
        const created = decided!;
        chunk.rewards.push({
          id: `rwd_${rewardId++}`, program_id: program.id, referral_id: id, recipient,
          recipient_contact_id: recipient === 'referrer' ? contactOf(enrolment) : String(50_000_000 + r), kind: 'cash',
          amount: program.currency === 'JPY' ? 5000 : 2500, currency: program.currency, status: rewardStatus,
          idempotency_key: `${program.id}:${id}:${recipient}`, review_reasons: '[]', hold_until: null, fulfilment_ref: null,
          callback_id: null, created_at: created, updated_at: created,
          issued_at: rewardStatus === 'issued' ? created + Math.floor(rand() * 14 * DAY) : null,
        });
      }
    }
    yield chunk;
  }
}
