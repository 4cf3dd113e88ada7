import { randomUUID } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database';
import type { Database, PrivacyErasureTable, ReferralTable } from '../db/schema';
import type { Actor } from '../http/auth';
import { enqueue } from '../jobs/queue';
import { recordTransition } from '../ledger/audit';
import { DECIDE_QUALIFICATION } from '../qualify/accept-request';
import { successResponse } from '../qualify/outputs';
import { completeCallbackJob, SYNC_CONTACT } from '../sync/jobs';
import { contactPseudonym, emailPseudonym, type PseudonymKey } from './pseudonym';
import { ERASED, scrubValue, searchTerms, type PersonIdentifiers } from './scrub';

/** Who is erased: a HubSpot contact, and the email addresses they were referred under. */
export interface ErasureSubject {
  contactId?: string | undefined;
  /** Normalised and as typed; matched against referrals whatever contact they were linked to. */
  emails: string[];
}

export interface ErasureRequest {
  subject: ErasureSubject;
  trigger: PrivacyErasureTable['trigger'];
  actor: Actor;
  /** The HubSpot event that asked for it: recorded as handled in the same transaction. */
  event?: { eventId: string; subscriptionType: string; occurredAt: number };
}

/** Rows changed, by kind. All zero: the person was already erased (or never known). */
export interface ErasureCounts {
  enrolmentsClosed: number;
  referralsAsReferrer: number;
  referralsAsFriend: number;
  rewards: number;
  workflowDecisions: number;
  ownerTasks: number;
  jobsCanceled: number;
  /** Other rows whose free text named the person (audit details, job payloads, clicks…). */
  rowsScrubbed: number;
}

export interface ErasureOutcome {
  id: string;
  /** The pseudonym the person's remaining rows now carry. */
  subject: string;
  erased: ErasureCounts;
}

const NOTE = 'personal data erased';
const CANCELED_JOB = 'canceled: the contact\'s personal data was erased';

/** Free-text columns that can hold a person's identifiers, by table, with each table's key. */
const TEXT_COLUMNS: Array<{ table: keyof Database; key: string; columns: string[] }> = [
  { table: 'referrals', key: 'id', columns: ['reason', 'evidence'] },
  { table: 'rewards', key: 'id', columns: ['fulfilment_ref', 'review_reasons'] },
  { table: 'action_decisions', key: 'callback_id', columns: ['response', 'outputs'] },
  { table: 'audit_events', key: 'id', columns: ['actor_id', 'reason', 'data'] },
  { table: 'clicks', key: 'id', columns: ['code'] },
  { table: 'jobs', key: 'id', columns: ['payload', 'last_error', 'dedupe_key'] },
  { table: 'webhook_events', key: 'event_id', columns: ['property_value'] },
  { table: 'owner_tasks', key: 'item_key', columns: ['reason'] },
];

type Trx = Transaction<Database>;

/**
 * Erases one person's personal data from the ledger, in one transaction: their rows stay (amounts,
 * statuses, audit trail, report tallies) under a pseudonym, their emails, referral codes and links,
 * and anything HubSpot told us about them are gone. Their enrolments are closed, so their links stop
 * working, and jobs that would write their data back to HubSpot are canceled.
 *
 * Idempotent: a second erasure finds nothing left to change and only adds its line to the erasure log.
 */
export async function eraseSubject(database: DatabaseHandle, key: PseudonymKey, now: number, req: ErasureRequest): Promise<ErasureOutcome> {
  const { contactId } = req.subject;
  const emails = [...new Set(req.subject.emails.map((e) => e.toLowerCase()))];
  if (!contactId && emails.length === 0) throw new Error('An erasure needs a contact id or an email address');
  const pseudonym = contactId ? contactPseudonym(key, contactId) : emailPseudonym(key, emails[0]!);

  return database.db.transaction().execute(async (trx) => {
    const enrolments = contactId ? await trx.selectFrom('enrolments').selectAll().where('contact_id', '=', contactId).execute() : [];
    const asFriend = await trx.selectFrom('referrals').selectAll().where((eb) => eb.or([
      ...(contactId ? [eb('referred_contact_id', '=', contactId)] : []),
      ...(emails.length ? [eb('email_normalised', 'in', emails)] : []),
    ])).execute();

    const ids: PersonIdentifiers = {
      contactId,
      pseudonym,
      texts: [
        ...emails.map((value) => ({ value, replacement: ERASED })),
        ...asFriend.flatMap((r) => [{ value: r.email, replacement: ERASED }, { value: r.email_normalised, replacement: ERASED }]),
        ...enrolments.flatMap((e) => [{ value: e.link, replacement: ERASED }, { value: e.code, replacement: tombstoneCode(e.id) }]),
      ].filter((t) => t.value && !t.value.startsWith('erased:')),
      ownValues: asFriend.flatMap(evidenceValues),
    };

    const erased: ErasureCounts = {
      enrolmentsClosed: 0, referralsAsReferrer: 0, referralsAsFriend: 0, rewards: 0,
      workflowDecisions: 0, ownerTasks: 0, jobsCanceled: 0, rowsScrubbed: 0,
    };
    const actor = req.actor;

    // Each update names the value it erases: a concurrent erasure of the same person that got there
    // first leaves it nothing to do, and it records nothing twice.
    for (const e of enrolments) {
      const updated = await trx.updateTable('enrolments').set({
        contact_id: await freeId(trx, 'enrolments', 'contact_id', e.program_id, pseudonym, e.id),
        code: tombstoneCode(e.id), link: '', status: 'closed', updated_at: now,
      }).where('id', '=', e.id).where('contact_id', '=', e.contact_id).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) continue;
      if (e.status !== 'closed') {
        await recordTransition(trx, { entity: 'enrolment', entityId: e.id, from: e.status, to: 'closed', actor, reason: NOTE, at: now });
      }
      erased.enrolmentsClosed++;
    }

    if (contactId) {
      const asReferrer = await trx.updateTable('referrals').set({ referrer_contact_id: pseudonym }).where('referrer_contact_id', '=', contactId).executeTakeFirst();
      erased.referralsAsReferrer = Number(asReferrer.numUpdatedRows);
      // The report's triggers moved the referrer's tallies to the pseudonym and left an empty row
      // under the contact id (server/db/migrations/006-decision-rollup.ts).
      await sql`delete from report_referrers where referrer_contact_id = ${contactId} and n = 0`.execute(trx);
    }

    for (const r of asFriend) {
      const updated = await trx.updateTable('referrals').set({
        referred_contact_id: await freeId(trx, 'referrals', 'referred_contact_id', r.program_id, pseudonym, r.id),
        email: tombstoneEmail(r.id), email_normalised: tombstoneEmail(r.id),
        evidence: r.evidence === null ? null : scrubValue(r.evidence, ids, true),
        reason: r.reason === null ? null : scrubValue(r.reason, ids, true),
      }).where('id', '=', r.id).where('email_normalised', '=', r.email_normalised).executeTakeFirst();
      erased.referralsAsFriend += Number(updated.numUpdatedRows);
    }
    const ownRewards = contactId
      ? await trx.selectFrom('rewards').select(['id', 'fulfilment_ref', 'review_reasons']).where('recipient_contact_id', '=', contactId).execute()
      : [];
    for (const r of ownRewards) {
      const fulfilmentRef = r.fulfilment_ref === null ? null : scrubValue(r.fulfilment_ref, ids, true);
      const reviewReasons = scrubValue(r.review_reasons, ids, true);
      if (fulfilmentRef !== r.fulfilment_ref || reviewReasons !== r.review_reasons) {
        await trx.updateTable('rewards').set({ fulfilment_ref: fulfilmentRef, review_reasons: reviewReasons }).where('id', '=', r.id).execute();
        erased.rowsScrubbed++;
      }
    }
    // The audit rows of the person's own enrolments, referrals and rewards: evidence, notes, references.
    const ownEntities = [...enrolments.map((e) => e.id), ...asFriend.map((r) => r.id), ...ownRewards.map((r) => r.id)];
    if (ownEntities.length) {
      const audits = await trx.selectFrom('audit_events').select(['id', 'reason', 'data'])
        .where('entity', 'in', ['enrolment', 'referral', 'reward']).where('entity_id', 'in', ownEntities).execute();
      for (const a of audits) {
        const reason = a.reason === null ? null : scrubValue(a.reason, ids, true);
        const data = a.data === null ? null : scrubValue(a.data, ids, true);
        if (reason !== a.reason || data !== a.data) {
          await trx.updateTable('audit_events').set({ reason, data }).where('id', '=', a.id).execute();
          erased.rowsScrubbed++;
        }
      }
    }

    if (contactId) {
      erased.rewards = Number((await trx.updateTable('rewards').set({ recipient_contact_id: pseudonym, updated_at: now })
        .where('recipient_contact_id', '=', contactId).executeTakeFirst()).numUpdatedRows);
      erased.workflowDecisions = Number((await trx.updateTable('action_decisions').set({ object_id: pseudonym })
        .where('object_id', '=', contactId).where(sql<string>`lower(object_type)`, 'in', ['contact', '0-1']).executeTakeFirst()).numUpdatedRows);
      erased.ownerTasks = Number((await trx.updateTable('owner_tasks').set({ contact_id: pseudonym, updated_at: now })
        .where('contact_id', '=', contactId).executeTakeFirst()).numUpdatedRows);
      await trx.updateTable('webhook_events').set({ object_id: pseudonym, property_value: null })
        .where('object_id', '=', contactId).where('subscription_type', 'like', 'contact.%').execute();
      erased.jobsCanceled = await cancelJobs(trx, contactId, now);
    }

    erased.rowsScrubbed += await scrubTextColumns(trx, ids);

    const id = `era_${randomUUID().replace(/-/g, '')}`;
    await trx.insertInto('privacy_erasures').values({
      id, subject: pseudonym, trigger: req.trigger, actor_type: actor.type, actor_id: actor.id,
      event_id: req.event?.eventId ?? null, erased: JSON.stringify(erased), at: now,
    }).execute();
    if (req.event) {
      // Recorded here, under the pseudonym, so the event's own row does not keep the contact id.
      await trx.insertInto('webhook_events').values({
        event_id: req.event.eventId, subscription_type: req.event.subscriptionType, object_id: pseudonym,
        property_value: null, occurred_at: req.event.occurredAt, processed_at: now,
      }).onConflict((oc) => oc.column('event_id').doNothing()).execute();
    }
    return { id, subject: pseudonym, erased };
  });
}

/** Unique across programs like every code, and never a valid code: `/r/<old code>` finds nothing. */
const tombstoneCode = (enrolmentId: string) => `erased:${enrolmentId}`;
/** Unique per program like the address it replaces. */
const tombstoneEmail = (referralId: string) => `erased:${referralId}`;

/**
 * The pseudonym, unless another row of the same program already carries it (the person was erased,
 * came back and is erased again): then the pseudonym qualified by the row, to keep the unique keys.
 */
async function freeId(trx: Trx, table: 'enrolments' | 'referrals', column: 'contact_id' | 'referred_contact_id', programId: string, pseudonym: string, rowId: string) {
  const taken = await trx.selectFrom(table).select('id').where('program_id', '=', programId)
    .where(sql.ref(column), '=', pseudonym).where('id', '!=', rowId).executeTakeFirst();
  return taken ? `${pseudonym}:${rowId}` : pseudonym;
}

function evidenceValues(r: Selectable<ReferralTable>): string[] {
  if (!r.evidence) return [];
  try {
    const value = (JSON.parse(r.evidence) as { value?: unknown }).value;
    return typeof value === 'string' && value.trim() ? [value] : [];
  } catch {
    return [];
  }
}

/**
 * Jobs still to run that would send this person's data to HubSpot: the contact's property sync is
 * canceled; a "Qualify referral" callback about them not yet decided is decided now (nothing left to
 * qualify) and its workflow resumed, instead of leaving it blocked until HubSpot expires it.
 */
async function cancelJobs(trx: Trx, contactId: string, now: number): Promise<number> {
  const pending = await trx.selectFrom('jobs').selectAll().where('status', '=', 'pending').where((eb) => eb.or([
    eb('dedupe_key', '=', `${SYNC_CONTACT}:${contactId}`),
    eb.and([eb('kind', '=', DECIDE_QUALIFICATION), eb('payload', 'like', `%${contactId}%`)]),
  ])).execute();
  let canceled = 0;
  for (const job of pending) {
    if (job.kind === DECIDE_QUALIFICATION) {
      const request = JSON.parse(job.payload) as { callbackId?: string; object?: { objectId?: unknown; objectType?: string } };
      if (String(request.object?.objectId) !== contactId || request.object?.objectType?.toUpperCase() !== 'CONTACT' || !request.callbackId) continue;
      const response = successResponse({ referral_status: 'not_qualified', reward_status: 'none', reward_id: '', reason: 'The contact\'s personal data was erased' });
      const decided = await trx.updateTable('action_decisions')
        .set({ decided_at: now, execution_state: response.outputFields.hs_execution_state, outputs: JSON.stringify(response.outputFields) })
        .where('callback_id', '=', request.callbackId).where('decided_at', 'is', null).executeTakeFirst();
      if (Number(decided.numUpdatedRows) > 0) await enqueue(trx, completeCallbackJob(request.callbackId, response.outputFields), now);
    }
    await trx.updateTable('jobs').set({ status: 'canceled', dedupe_key: null, locked_by: null, locked_until: null, last_error: CANCELED_JOB, updated_at: now })
      .where('id', '=', job.id).execute();
    canceled++;
  }
  return canceled;
}

/** Every free-text column that mentions the person, rewritten without them. Returns the rows changed. */
async function scrubTextColumns(trx: Trx, ids: PersonIdentifiers): Promise<number> {
  const terms = searchTerms(ids);
  if (terms.length === 0) return 0;
  let changed = 0;
  for (const { table, key, columns } of TEXT_COLUMNS) {
    const mentions = sql.join(columns.flatMap((c) => terms.map((t) => sql`lower(${sql.ref(c)}) like ${likePattern(t)} escape '\\'`)), sql` or `);
    const rows = await sql<Record<string, string | number | null>>`select ${sql.ref(key)}, ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table)} where ${mentions}`
      .execute(trx);
    for (const row of rows.rows) {
      const updates = columns.flatMap((c) => {
        const value = row[c];
        if (typeof value !== 'string') return [];
        const scrubbed = scrubValue(value, ids);
        return scrubbed === value ? [] : [sql`${sql.ref(c)} = ${scrubbed}`];
      });
      if (updates.length === 0) continue;
      await sql`update ${sql.table(table)} set ${sql.join(updates)} where ${sql.ref(key)} = ${row[key]}`.execute(trx);
      changed++;
    }
  }
  return changed;
}

const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
