import type { Kysely } from 'kysely';
import type { Program } from '../../src/app/packages/domain/program';
import type { Database } from '../db/schema';

export interface RoutingInput {
  program: Program;
  referrerOwnerId: string | null | undefined;
  /** The referral being routed; already claimed, so its place in the program's order is durable. */
  referral: { id: string; capturedAt: number };
}

/**
 * The HubSpot owner of a new referred contact. Round robin needs state shared by every replica and
 * surviving restarts: the referral's position among the program's referrals (by capture time,
 * then id) is that state, already in the ledger, so the n-th referral goes to owner n mod k.
 */
export async function chooseOwner(db: Kysely<Database>, input: RoutingInput): Promise<string | undefined> {
  const routing = input.program.capture.routing;
  switch (routing.kind) {
    case 'fixed':
      return routing.ownerId;
    case 'referrer_owner':
      return input.referrerOwnerId || input.program.ownerId;
    case 'round_robin': {
      const { capturedAt, id } = input.referral;
      // Referrals and the claims being captured alongside this one: concurrent captures get different places.
      const count = async (table: 'referrals' | 'referral_claims') => {
        const row = await db.selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('program_id', '=', input.program.id)
          .where((eb) => eb.or([eb('captured_at', '<', capturedAt), eb.and([eb('captured_at', '=', capturedAt), eb('id', '<', id)])]))
          .executeTakeFirstOrThrow();
        return Number(row.n);
      };
      const before = (await count('referrals')) + (await count('referral_claims'));
      return routing.ownerIds[before % routing.ownerIds.length];
    }
  }
}
