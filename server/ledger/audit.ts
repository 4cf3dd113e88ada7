import type { Transaction } from 'kysely';
import type { Actor } from './actor';
import type { AuditEventTable, Database } from '../db/schema';
import { emitTransitionEvent } from '../events/outbox';

export interface Transition {
  entity: AuditEventTable['entity'];
  entityId: string;
  from: string | null;
  to: string | null;
  actor: Actor;
  reason?: string | null;
  data?: unknown;
  at: number;
}

/**
 * Every state change is written beside the change itself, in the same transaction; nothing is
 * deleted. The event webhooks' outbox rows are written here too, so no path that moves a referral or
 * a reward can forget to report it.
 */
export async function recordTransition(trx: Transaction<Database>, t: Transition): Promise<void> {
  await trx
    .insertInto('audit_events')
    .values({
      entity: t.entity,
      entity_id: t.entityId,
      from_status: t.from,
      to_status: t.to,
      actor_type: t.actor.type,
      actor_id: t.actor.id,
      reason: t.reason ?? null,
      data: t.data === undefined ? null : JSON.stringify(t.data),
      at: t.at,
    })
    .execute();
  await emitTransitionEvent(trx, t);
}
