import { migrateToLatest } from '../../../server/db/database';
import { fulfilmentSubscriptionId } from '../../../server/events/fulfilment-subscription';
import { parseProgram } from '../../../src/app/packages/domain/program';
import { createTestDatabase, dialects } from '../../support/databases';
import { buildProgram } from '../../support/harness';

const T0 = Date.UTC(2026, 3, 1);

describe.each(dialects)('the fulfilment subscriptions migration (016) on %s', (dialect) => {
  it('gives each program already on webhook fulfilment its subscription, and others none', async () => {
    const database = await createTestDatabase(dialect, undefined, '014-referred-revenue');
    try {
      const stored = (overrides: Parameters<typeof buildProgram>[0]) => {
        const parsed = parseProgram(buildProgram(overrides));
        if (!parsed.ok) throw new Error('invalid test program');
        return { id: parsed.program.id, name: parsed.program.name, status: parsed.program.status, config: JSON.stringify(parsed.program), created_at: T0, updated_at: T0 };
      };
      // As the older version stored them: the programs table is all it had of a program.
      await database.db.insertInto('programs').values([
        stored({ id: 'spring', fulfilment: { kind: 'webhook', url: 'https://payouts.example/hook', secretRef: 'REWARD_WEBHOOK_SECRET' } }),
        stored({ id: 'manual' }),
      ]).execute();

      await migrateToLatest(database);

      expect(await database.db.selectFrom('event_subscriptions').selectAll().execute()).toEqual([{
        id: fulfilmentSubscriptionId('spring'), program_id: 'spring', kind: 'fulfilment', url: 'https://payouts.example/hook', secret: '',
        secret_ref: 'REWARD_WEBHOOK_SECRET', event_types: '["reward.approved"]', status: 'active', failing_since: null, created_at: T0, updated_at: T0,
      }]);
    } finally {
      await database.drop();
    }
  });
});
