import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DatabaseHandle, Dialect } from '../db/database';
import type { Database, PrivacyErasureTable, ReferralTable } from '../db/schema';
import type { Actor } from '../ledger/actor';
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

/**
 * The tables that grow with every event and whose free text can name anyone: searched, as no column
 * says whose row it is. Their ids only grow, which lets a search resume where an earlier one ended.
 * Every other table is reached through the person's own rows.
 */
const SEARCHED: Array<{ table: 'audit_events' | 'jobs' | 'clicks'; columns: string[] }> = [
  { table: 'audit_events', columns: ['actor_id', 'reason', 'data'] },
  { table: 'jobs', columns: ['payload', 'last_error', 'dedupe_key'] },
  { table: 'clicks', columns: ['code'] },
];

type Trx = Transaction<Database>;
type Reader = Kysely<Database> | Trx;

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

  // The text search reads whole tables, so it runs before the transaction, which stays short: on
  // SQLite it holds the service's only connection, on PostgreSQL it holds the person's rows locked.
  // The transaction then rewrites what was found and searches only the rows added since.
  const found = await findMentions(database, (await readPerson(database.db, contactId, emails, pseudonym)).ids);

  return database.db.transaction().execute(async (trx) => {
    const { enrolments, asFriend, ids } = await readPerson(trx, contactId, emails, pseudonym);
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

    // A capture still in flight for the person, or under their link, would bring back what was just
    // erased once its recovery job finished it: the claim goes, and that job then finds it absent.
    const claimEmails = [...new Set([...emails, ...asFriend.map((r) => r.email_normalised)])];
    // Where the person browsed from: their sign-ups and clicks as a referrer, their submissions as a
    // friend (a capture's visit has its referral's or claim's id).
    const enrolmentIds = enrolments.map((e) => e.id);
    const friendClaims = claimEmails.length
      ? await trx.selectFrom('referral_claims').select('id').where('email_normalised', 'in', claimEmails).execute()
      : [];
    const visitIds = [...asFriend.map((r) => r.id), ...friendClaims.map((c) => c.id)];
    if (enrolmentIds.length > 0 || visitIds.length > 0) {
      await trx.deleteFrom('visits').where((eb) => eb.or([
        ...(enrolmentIds.length ? [eb('enrolment_id', 'in', enrolmentIds)] : []),
        ...(visitIds.length ? [eb('id', 'in', visitIds)] : []),
      ])).execute();
    }
    await trx.deleteFrom('referral_claims').where((eb) => eb.or([
      ...(contactId ? [eb('referrer_contact_id', '=', contactId)] : []),
      ...(claimEmails.length ? [eb('email_normalised', 'in', claimEmails)] : []),
    ])).execute();

    const ownRewards = contactId
      ? await trx.selectFrom('rewards').select(['id', 'fulfilment_ref', 'review_reasons']).where('recipient_contact_id', '=', contactId).execute()
      : [];
    for (const r of ownRewards) {
      await trx.updateTable('rewards').set({
        recipient_contact_id: pseudonym, updated_at: now,
        fulfilment_ref: r.fulfilment_ref === null ? null : scrubValue(r.fulfilment_ref, ids, true),
        review_reasons: scrubValue(r.review_reasons, ids, true),
      }).where('id', '=', r.id).execute();
      erased.rewards++;
    }

    // The audit rows of the person's own enrolments, referrals and rewards: evidence, notes, references.
    const ownEntities = [...enrolments.map((e) => e.id), ...asFriend.map((r) => r.id), ...ownRewards.map((r) => r.id)];
    for (const part of chunks(ownEntities)) {
      const audits = await trx.selectFrom('audit_events').select(['id', 'reason', 'data'])
        .where('entity', 'in', ['enrolment', 'referral', 'reward']).where('entity_id', 'in', part).execute();
      for (const a of audits) {
        const reason = a.reason === null ? null : scrubValue(a.reason, ids, true);
        const data = a.data === null ? null : scrubValue(a.data, ids, true);
        if (reason === a.reason && data === a.data) continue;
        await trx.updateTable('audit_events').set({ reason, data }).where('id', '=', a.id).execute();
        erased.rowsScrubbed++;
      }
    }

    if (contactId) {
      // Workflow deliveries about them: HubSpot's copy of their properties, answers with their code.
      const decisions = await trx.selectFrom('action_decisions').select(['callback_id', 'response', 'outputs'])
        .where('object_id', '=', contactId).where(sql<string>`lower(object_type)`, 'in', ['contact', '0-1']).execute();
      for (const d of decisions) {
        await trx.updateTable('action_decisions').set({
          object_id: pseudonym, response: scrubValue(d.response, ids, true), outputs: d.outputs === null ? null : scrubValue(d.outputs, ids, true),
        }).where('callback_id', '=', d.callback_id).execute();
        erased.workflowDecisions++;
      }
      const tasks = await trx.selectFrom('owner_tasks').select(['item_key', 'reason']).where('contact_id', '=', contactId).execute();
      for (const t of tasks) {
        await trx.updateTable('owner_tasks').set({ contact_id: pseudonym, reason: scrubValue(t.reason, ids, true), updated_at: now })
          .where('item_key', '=', t.item_key).execute();
        erased.ownerTasks++;
      }
      await trx.updateTable('webhook_events').set({ object_id: pseudonym, property_value: null })
        .where('object_id', '=', contactId).where('subscription_type', 'like', 'contact.%').execute();
      erased.jobsCanceled = await cancelJobs(trx, contactId, now);
    }

    erased.rowsScrubbed += await scrubMentions(trx, database.dialect, ids, found);

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

/** The person's enrolments and referrals, and every identifier of theirs they hold. */
async function readPerson(db: Reader, contactId: string | undefined, emails: string[], pseudonym: string) {
  const enrolments = contactId ? await db.selectFrom('enrolments').selectAll().where('contact_id', '=', contactId).execute() : [];
  const asFriend = await db.selectFrom('referrals').selectAll().where((eb) => eb.or([
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
  return { enrolments, asFriend, ids };
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

export interface Mentions {
  terms: string[];
  /** Per table: the rows found to name the person, and the last row id the search saw. */
  tables: Array<{ table: (typeof SEARCHED)[number]['table']; columns: string[]; ids: string[]; seenUpTo: string | null }>;
}

/**
 * Case-insensitive (terms are lower case). SQLite's LIKE already is, for ASCII, and skipping lower()
 * halves its scan; on PostgreSQL lower() + LIKE measured faster than ILIKE.
 */
const mentioning = (dialect: Dialect, columns: string[], terms: string[]) => {
  const text = (c: string) => (dialect === 'postgres' ? sql`lower(${sql.ref(c)})` : sql.ref(c));
  return sql.join(columns.flatMap((c) => terms.map((t) => sql`${text(c)} like ${likePattern(t)} escape '\\'`)), sql` or `);
};

/** Rows of the append-only tables whose text names the person (the LIKE narrows, the scrub rules decide). */
export async function findMentions({ db, dialect }: DatabaseHandle, ids: PersonIdentifiers): Promise<Mentions> {
  const terms = searchTerms(ids);
  const tables: Mentions['tables'] = [];
  for (const { table, columns } of SEARCHED) {
    const last = await sql<{ last: string | number | null }>`select max(id) as last from ${sql.table(table)}`.execute(db);
    const seenUpTo = last.rows[0]?.last === null || last.rows[0]?.last === undefined ? null : String(last.rows[0].last);
    const rows = terms.length && seenUpTo !== null
      ? (await sql<Record<string, string | number | null>>`select id, ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table)}
          where id <= ${seenUpTo} and (${mentioning(dialect, columns, terms)})`.execute(db)).rows
      : [];
    tables.push({ table, columns, ids: rows.filter((row) => scrubbedColumns(row, columns, ids).length > 0).map((row) => String(row.id)), seenUpTo });
  }
  return { terms, tables };
}

/**
 * Rewrites, inside the transaction, the rows found before it (as they are now), the rows added
 * since, and, if the person turned out to hold an identifier the search did not know yet (a
 * referral captured meanwhile), every row naming that one. Returns the rows changed.
 */
export async function scrubMentions(trx: Trx, dialect: Dialect, ids: PersonIdentifiers, found: Mentions): Promise<number> {
  const terms = searchTerms(ids);
  const newTerms = terms.filter((t) => !found.terms.includes(t));
  let changed = 0;
  for (const { table, columns, ids: rowIds, seenUpTo } of found.tables) {
    const select = (where: ReturnType<typeof sql>) =>
      sql<Record<string, string | number | null>>`select id, ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table)} where ${where}`.execute(trx);
    const rows = new Map<string, Record<string, string | number | null>>();
    for (const part of chunks(rowIds)) for (const row of (await select(sql`id in (${sql.join(part)})`)).rows) rows.set(String(row.id), row);
    if (terms.length) {
      const since = seenUpTo === null ? sql`(${mentioning(dialect, columns, terms)})` : sql`id > ${seenUpTo} and (${mentioning(dialect, columns, terms)})`;
      for (const row of (await select(since)).rows) rows.set(String(row.id), row);
    }
    if (newTerms.length) for (const row of (await select(mentioning(dialect, columns, newTerms))).rows) rows.set(String(row.id), row);
    for (const row of rows.values()) {
      const updates = scrubbedColumns(row, columns, ids);
      if (updates.length === 0) continue;
      await sql`update ${sql.table(table)} set ${sql.join(updates.map(([c, v]) => sql`${sql.ref(c)} = ${v}`))} where id = ${row.id}`.execute(trx);
      changed++;
    }
  }
  return changed;
}

function scrubbedColumns(row: Record<string, string | number | null>, columns: string[], ids: PersonIdentifiers): Array<[string, string]> {
  return columns.flatMap((c): Array<[string, string]> => {
    const value = row[c];
    if (typeof value !== 'string') return [];
    const scrubbed = scrubValue(value, ids);
    return scrubbed === value ? [] : [[c, scrubbed]];
  });
}

/** Keeps `in (…)` lists far below both databases' parameter limits. */
function chunks<T>(items: T[], size = 500): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
