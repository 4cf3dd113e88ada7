import type { Harness } from './harness';
import { createReferral } from './ledger';
import { qualifyAction } from './qualify-action';

let callbacks = 0;

/**
 * A referral whose friend is a customer, qualified by the workflow action, its referrer's reward
 * approved at once: the outbox gets `referral.qualified` and `reward.approved`.
 */
export async function qualifiedReferral(h: Harness, clock: { now: number }) {
  const { friendId, referralId } = await createReferral(h, { friend: { lifecyclestage: 'customer' }, capturedAt: clock.now - 60_000 });
  const body = JSON.stringify({
    callbackId: `ap-9-9-9-${++callbacks}`, origin: { portalId: 1 }, object: { objectId: Number(friendId), objectType: 'CONTACT' },
    inputFields: { program: 'spring', milestone_kind: 'program_default' },
  });
  const outputs = await qualifyAction(h, body);
  expect(outputs.reward_status).toBe('approved');
  return { referralId, rewardId: outputs.reward_id! };
}

/** Event deliveries still waiting to be sent or retried. */
export async function pendingDeliveries(h: Harness): Promise<number> {
  const row = await h.database.db.selectFrom('event_deliveries').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending').executeTakeFirstOrThrow();
  return Number(row.n);
}
