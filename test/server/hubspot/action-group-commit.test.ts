import pino from 'pino';
import type { AppContext } from '../../../server/context';
import { AcceptGroups, acceptWithGroup, type Acceptance } from '../../../server/hubspot/action-group-commit';
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
    ctx = { database, clock: () => now, logger: pino({ level: 'silent' }), acceptGroups: new AcceptGroups() } as unknown as AppContext;
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

  it('a delivery that cannot be written fails alone; the rest of its group is accepted', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `ok-${i}`);
    // A payload JSON cannot write (BigInt) and one nested too deep for JSON.stringify.
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20_000; i++) deep = { deeper: deep };
    const poisoned = [acceptance('poison-bigint', { n: 1n }), acceptance('poison-deep', deep)];
    const arrivals = [...ids.slice(0, 60).map((id) => acceptance(id)), ...poisoned, ...ids.slice(60).map((id) => acceptance(id))];

    const outcomes = await Promise.allSettled(arrivals.map((a) => acceptWithGroup(ctx, a)));

    const byId = new Map(arrivals.map((a, i) => [a.request.callbackId, outcomes[i]!]));
    for (const id of ids) expect({ id, outcome: byId.get(id) }).toEqual({ id, outcome: { status: 'fulfilled', value: true } });
    expect(byId.get('poison-bigint')?.status).toBe('rejected');
    expect(byId.get('poison-deep')?.status).toBe('rejected');
    expect(await count('action_decisions')).toBe(120);
    expect(await count('jobs')).toBe(120);
    const stored = await database.db.selectFrom('action_decisions').select('callback_id').execute();
    expect(stored.map((r) => r.callback_id).sort()).toEqual([...ids].sort());
  });

  it('a callback repeated in a group that had to be committed one by one is still accepted once', async () => {
    const arrivals = [acceptance('twice'), acceptance('poison', { n: 1n }), acceptance('twice')];

    const outcomes = await Promise.allSettled(arrivals.map((a) => acceptWithGroup(ctx, a)));

    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'failed'))).toEqual([true, 'failed', false]);
    expect(await count('action_decisions')).toBe(1);
    expect(await count('jobs')).toBe(1);
  });
});
