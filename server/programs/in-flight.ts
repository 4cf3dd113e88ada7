import type { Db } from '../db/database';
import type { InFlight } from '../../src/app/packages/contracts/portal-options';

export type { InFlight };

/**
 * What a change to an active program reaches: referrals "Qualify referral" has not decided yet are
 * decided with the program as it is at the decision, so they follow the new rules; rewards already
 * recorded keep the amount, currency and hold date they were given.
 */
export async function inFlight(db: Db, programId: string): Promise<InFlight> {
  const [referrals, rewards] = await Promise.all([
    db.selectFrom('referrals').select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('program_id', '=', programId).where('status', '=', 'captured').executeTakeFirstOrThrow(),
    db.selectFrom('rewards').select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('program_id', '=', programId).where('status', 'in', ['pending_review', 'held']).groupBy('status').execute(),
  ]);
  const rewardsIn = (status: string) => Number(rewards.find((r) => r.status === status)?.n ?? 0);
  return { referralsAwaitingDecision: Number(referrals.n), rewardsAwaitingReview: rewardsIn('pending_review'), rewardsHeld: rewardsIn('held') };
}
