import type { AppContext } from '../../../server/context';
import { acceptWithGroup, type Acceptance } from '../../../server/hubspot/action-group-commit';
import type { ActionResponse } from '../../../server/hubspot/action-request';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';

const now = 1_764_000_000_000;
const answer: ActionResponse = { outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P7D' } };

function acceptance(callbackId: string, payload: unknown = { callbackId }): Acceptance {
  return {
    action: 'qualify-referral',
    programId: 'spring',
    answer,
    request: { callbackId, origin: { portalId: 1 }, object: { objectId: '1', objectType: 'CONTACT' }, inputFields: {} },
    job: { kind: 'qualify.decide', payload, dedupeKey: `qualify.decide:${callbackId}` },
  };
}

/** Deliveries that arrive together are written in one transaction; exactly once still holds. */
describe.each(dialects)('group commit of action deliveries on %s', (dialect) => {
  let database: TestDatabase;
  let ctx: AppContext;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    ctx = { database, clock: () => now } as unknown as AppContext;
  });
  afterEach(() => database.drop());

  const count = async (table: 'jobs' | 'action_decisions') =>
    Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('accepts each callback of a group once, also when it is repeated in the group or was accepted before', async () => {
    await Promise.all(['early-1', 'early-2'].map((id) => acceptWithGroup(ctx, acceptance(id))));
    const ids = Array.from({ length: 20 }, (_, i) => `cb-${i}`);
    const arrivals = [...ids, ...ids, 'early-1', 'early-2'];

    const accepted = await Promise.all(arrivals.map((id) => acceptWithGroup(ctx, acceptance(id))));

    expect(accepted).toEqual([...ids.map(() => true), ...ids.map(() => false), false, false]);
    expect(await count('action_decisions')).toBe(22);
    expect(await count('jobs')).toBe(22);
  });

  it('fails every delivery of a group and writes none of them when its transaction fails', async () => {
    const group = [acceptWithGroup(ctx, acceptance('fine-1')), acceptWithGroup(ctx, acceptance('broken', { n: 1n })), acceptWithGroup(ctx, acceptance('fine-2'))];

    const outcomes = await Promise.allSettled(group);

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await count('action_decisions')).toBe(0);
    expect(await count('jobs')).toBe(0);
    // HubSpot redelivers them; the next group accepts them.
    expect(await acceptWithGroup(ctx, acceptance('fine-1'))).toBe(true);
  });
});
