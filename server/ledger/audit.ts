import type { Transaction } from 'kysely';
import type { Actor } from './actor';
import type { AuditEventTable, Database } from '../db/schema';

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

/** Every state change is written beside the change itself, in the same transaction; nothing is deleted. */
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
}
