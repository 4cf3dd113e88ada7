import type { Kysely, Transaction } from 'kysely';
import { startOfUtcMonth, type RewardCounts } from '../../src/app/packages/domain/caps';
import type { Program } from '../../src/app/packages/domain/program';
import type { Database } from '../db/schema';

type Q = Kysely<Database> | Transaction<Database>;

const LIVE = ['pending_review', 'held', 'approved', 'issued'] as const;

/**
 * Cap inputs, read inside the deciding transaction so two decisions cannot both slip under a cap.
 * The program's amount this month is read only when the program has a monthly budget (0 otherwise:
 * nothing consults it), so programs without one skip a read that grows with the month.
 */
export async function rewardCounts(q: Q, program: Pick<Program, 'id' | 'rewards'>, referrerContactId: string, now: number): Promise<RewardCounts> {
  const programId = program.id;
  const monthStart = startOfUtcMonth(new Date(now)).getTime();
  const mine = await q
    .selectFrom('rewards')
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>(eb.case().when('created_at', '>=', monthStart).then(1).else(0).end()).as('this_month'),
    ])
    .where('program_id', '=', programId)
    .where('recipient', '=', 'referrer')
    .where('recipient_contact_id', '=', referrerContactId)
    .where('status', 'in', LIVE)
    .executeTakeFirstOrThrow();
  const month =
    program.rewards.caps.programPerMonth === undefined
      ? undefined
      : await q
          .selectFrom('rewards')
          .select((eb) => eb.fn.sum<number>('amount').as('amount'))
          .where('program_id', '=', programId)
          .where('created_at', '>=', monthStart)
          .where('status', 'in', LIVE)
          .executeTakeFirstOrThrow();
  return {
    referrerRewardsTotal: Number(mine.total),
    referrerRewardsThisMonth: Number(mine.this_month ?? 0),
    programAmountThisMonth: Number(month?.amount ?? 0),
  };
}

export async function qualifiedCount(q: Q, enrolmentId: string): Promise<number> {
  const row = await q
    .selectFrom('referrals')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('enrolment_id', '=', enrolmentId)
    .where('status', '=', 'qualified')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
