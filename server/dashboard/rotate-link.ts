import type { Kysely } from 'kysely';
import type { AppContext } from '../context';
import type { Database } from '../db/schema';
import { AppError } from '../errors';
import { HubSpotCallFailed, JOB_CALL_ATTEMPTS } from '../hubspot/gateway';
import { P } from '../hubspot/properties';
import { enqueue, type JobHandler, type NewJob } from '../jobs/queue';
import type { Actor } from '../ledger/actor';
import { dashboardLinksFor } from './dashboard-token';

export const WRITE_DASHBOARD_LINK = 'dashboard.write-link';

/**
 * One job per version: a rotation during a running write gets its own job instead of being
 * swallowed by the running one's key, and a job whose version is no longer current does nothing.
 */
export function writeDashboardLinkJob(enrolmentId: string, version: number): NewJob {
  return { kind: WRITE_DASHBOARD_LINK, payload: { enrolmentId, version }, dedupeKey: `${WRITE_DASHBOARD_LINK}:${enrolmentId}:${version}` };
}

export interface Rotated {
  enrolmentId: string;
  version: number;
}

/**
 * Revokes an enrolment's dashboard link and makes a new one: the version signed into every link is
 * raised, so all earlier links answer 404 from the moment this commits. The audit row and the job
 * that writes the new link onto the HubSpot contact are in the same transaction, so the contact is
 * updated even if the service stops right after.
 */
export async function rotateDashboardLink(db: Kysely<Database>, programId: string, contactId: string, actor: Actor, now: number): Promise<Rotated> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('enrolments')
      .set((eb) => ({ dashboard_token_version: eb('dashboard_token_version', '+', 1), updated_at: now }))
      .where('program_id', '=', programId).where('contact_id', '=', contactId).where('status', '!=', 'closed')
      .returning(['id', 'status', 'dashboard_token_version'])
      .executeTakeFirst();
    if (!updated) throw new AppError('NOT_FOUND', `Contact ${contactId} is not a referrer in program "${programId}"`, { programId, contactId });
    await trx.insertInto('audit_events').values({
      entity: 'enrolment', entity_id: updated.id, from_status: updated.status, to_status: updated.status,
      actor_type: actor.type, actor_id: actor.id, reason: 'dashboard link rotated: earlier links no longer open the dashboard',
      data: JSON.stringify({ dashboardTokenVersion: updated.dashboard_token_version }), at: now,
    }).execute();
    await enqueue(trx, writeDashboardLinkJob(updated.id, updated.dashboard_token_version), now);
    return { enrolmentId: updated.id, version: updated.dashboard_token_version };
  });
}

/**
 * Writes an enrolment's current dashboard link onto its contact, through the account's gateway. A
 * contact carries one program's referral properties (the first enrolment written there keeps
 * them), so the link is written only where the record's referral code is this enrolment's.
 */
export function dashboardJobHandlers(ctx: AppContext): Record<string, JobHandler> {
  const gateway = ctx.gateway.withMaxAttempts(JOB_CALL_ATTEMPTS);
  const links = dashboardLinksFor(ctx.config);
  return {
    [WRITE_DASHBOARD_LINK]: async (payload) => {
      const { enrolmentId, version } = payload as { enrolmentId: string; version: number };
      const enrolment = await ctx.database.db.selectFrom('enrolments').selectAll().where('id', '=', enrolmentId).executeTakeFirst();
      // Closed (erased): nothing of theirs goes back to HubSpot. Rotated again: that version's job writes.
      if (!enrolment || enrolment.status === 'closed' || enrolment.dashboard_token_version !== version) return;
      const link = links.urlFor(enrolment);
      if (!link) return;
      const contactId = enrolment.contact_id;
      let onRecord: string | null | undefined;
      try {
        const contact = await gateway.call('read', `read contact ${contactId}`, (c) => c.crm.contacts.basicApi.getById(contactId, [P.code]));
        onRecord = contact.properties[P.code];
      } catch (err) {
        // Deleted or merged away in HubSpot: there is no record to write to.
        if (err instanceof HubSpotCallFailed && err.status === 404) return;
        throw err;
      }
      if (onRecord && onRecord !== enrolment.code) return;
      await gateway.call('write', "write a contact's dashboard link", (c) =>
        c.crm.contacts.basicApi.update(contactId, { properties: { [P.dashboardLink]: link } }));
    },
  };
}
