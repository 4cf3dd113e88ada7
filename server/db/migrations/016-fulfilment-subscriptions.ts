import type { Kysely, Migration } from 'kysely';

/**
 * The fulfilment webhook becomes a subscriber of the event outbox: a subscription has a `kind`
 * (`webhook` for a developer's, `fulfilment` for the one a program's webhook fulfilment implies) and
 * may name the service setting that holds its signing secret (`secret_ref`) instead of storing it.
 * Programs already on webhook fulfilment get their subscription here, so a reward approved after the
 * upgrade is sent the new way; saving a program keeps it in step afterwards.
 *
 * `reward.fulfil-webhook` jobs queued before the upgrade stay in `jobs`: the job worker still runs
 * that kind, and what it does now is move the reward into the outbox (server/rewards/fulfilment.ts).
 */
export const fulfilmentSubscriptions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('event_subscriptions').addColumn('kind', 'text', (c) => c.notNull().defaultTo('webhook')).execute();
    await db.schema.alterTable('event_subscriptions').addColumn('secret_ref', 'text').execute();

    const ledger = db as Kysely<{
      programs: { id: string; config: string; updated_at: number };
      event_subscriptions: {
        id: string; program_id: string; kind: string; url: string; secret: string; secret_ref: string | null; event_types: string;
        status: string; failing_since: number | null; created_at: number; updated_at: number;
      };
    }>;
    const programs = await ledger.selectFrom('programs').select(['id', 'config', 'updated_at']).execute();
    for (const program of programs) {
      const fulfilment = (JSON.parse(program.config) as { fulfilment?: { kind?: string; url?: string; secretRef?: string } }).fulfilment;
      if (fulfilment?.kind !== 'webhook' || !fulfilment.url) continue;
      const at = Number(program.updated_at);
      await ledger.insertInto('event_subscriptions').values({
        id: `sub_fulfilment_${program.id}`, program_id: program.id, kind: 'fulfilment', url: fulfilment.url, secret: '',
        secret_ref: fulfilment.secretRef ?? null, event_types: JSON.stringify(['reward.approved']), status: 'active',
        failing_since: null, created_at: at, updated_at: at,
      }).execute();
    }
  },
};
