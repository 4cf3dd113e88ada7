import type { Kysely, Selectable, Transaction } from 'kysely';
import { generateCode, vanityCode, type RandomBytes } from '../../src/app/packages/domain/codes';
import type { Program } from '../../src/app/packages/domain/program';
import type { Database, EnrolmentTable } from '../db/schema';
import type { Actor } from '../ledger/actor';
import { newId } from '../ids';
import { emitEnrolmentsCreated } from '../events/outbox';

export type EnrolmentRow = Selectable<EnrolmentTable>;
export type EnrolmentSource = EnrolmentTable['source'];

/** The enrolment as the admin API and the card see it. */
export interface EnrolmentView {
  id: string;
  programId: string;
  contactId: string;
  code: string;
  link: string;
  status: EnrolmentRow['status'];
  source: EnrolmentSource;
  createdAt: string;
}

export function enrolmentView(row: EnrolmentRow): EnrolmentView {
  return {
    id: row.id,
    programId: row.program_id,
    contactId: row.contact_id,
    code: row.code,
    link: row.link,
    status: row.status,
    source: row.source,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The link a referrer shares: the service's redirect, which counts the click and sets attribution. */
export function referralLink(publicBaseUrl: string, code: string): string {
  return `${publicBaseUrl}/r/${encodeURIComponent(code)}`;
}

export async function findEnrolment(db: Kysely<Database>, programId: string, contactId: string): Promise<EnrolmentRow | undefined> {
  return db.selectFrom('enrolments').selectAll().where('program_id', '=', programId).where('contact_id', '=', contactId).executeTakeFirst();
}

export async function findEnrolmentByCode(db: Kysely<Database>, code: string): Promise<EnrolmentRow | undefined> {
  return db.selectFrom('enrolments').selectAll().where('code', '=', code).executeTakeFirst();
}

export interface ContactToEnrol {
  id: string;
  firstName?: string | null;
}

export interface ReserveInput {
  program: Program;
  contacts: ContactToEnrol[];
  source: EnrolmentSource;
  actor: Actor;
  publicBaseUrl: string;
  now: number;
  random: RandomBytes;
}

export interface Reserved {
  row: EnrolmentRow;
  /** False when the contact already had an enrolment in this program (its code is kept). */
  created: boolean;
}

/** A fresh random code collides with an existing one about never; vanity codes far more often. */
const MAX_CODE_ATTEMPTS = 8;

/**
 * Gives each contact an enrolment (and code) in the program, or returns the one it has. Codes are
 * unique by the database's key, so two processes can never hand out the same one: a row that
 * does not insert either lost a race for the same contact (then that row is the answer) or
 * collided on its code (then it gets a new code and another try). Every created enrolment is
 * audited (as `recordTransition` would) in the transaction that creates it.
 */
export async function reserveEnrolments(db: Kysely<Database>, input: ReserveInput): Promise<Map<string, Reserved>> {
  const result = new Map<string, Reserved>();
  const ids = [...new Set(input.contacts.map((c) => c.id))];
  if (ids.length === 0) return result;
  for (const row of await selectForContacts(db, input.program.id, ids)) result.set(row.contact_id, { row, created: false });

  let pending = input.contacts.filter((c, i, all) => !result.has(c.id) && all.findIndex((o) => o.id === c.id) === i);
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_CODE_ATTEMPTS) {
      throw new Error(`Could not find unused referral codes for ${pending.length} contact(s) after ${MAX_CODE_ATTEMPTS} attempts`);
    }
    const rows = pending.map((contact) => newEnrolmentRow(input, contact));
    const inserted = await db.transaction().execute(async (trx) => {
      await trx.insertInto('enrolments').values(rows).onConflict((oc) => oc.doNothing()).execute();
      const stored = await trx.selectFrom('enrolments').selectAll().where('id', 'in', rows.map((r) => r.id)).execute();
      if (stored.length > 0) {
        await auditEnrolments(trx, stored, input);
        await emitEnrolmentsCreated(trx, stored, input.now);
      }
      return stored;
    });
    for (const row of inserted) result.set(row.contact_id, { row, created: true });
    const missing = pending.filter((c) => !result.has(c.id)).map((c) => c.id);
    if (missing.length > 0) {
      for (const row of await selectForContacts(db, input.program.id, missing)) result.set(row.contact_id, { row, created: false });
    }
    pending = pending.filter((c) => !result.has(c.id));
  }
  return result;
}

/** The audit rows of recordTransition, written in one statement: bulk runs create 200 at a time. */
async function auditEnrolments(trx: Transaction<Database>, rows: EnrolmentRow[], input: ReserveInput): Promise<void> {
  await trx.insertInto('audit_events').values(rows.map((row) => ({
    entity: 'enrolment' as const, entity_id: row.id, from_status: null, to_status: row.status,
    actor_type: input.actor.type, actor_id: input.actor.id, reason: `enrolled (${row.source})`,
    data: JSON.stringify({ programId: row.program_id, contactId: row.contact_id, code: row.code }), at: input.now,
  }))).execute();
}

function newEnrolmentRow(input: ReserveInput, contact: ContactToEnrol): EnrolmentRow {
  const code = input.program.enrolment.vanityCodes ? vanityCode(contact.firstName, input.random) : generateCode(input.random);
  return {
    id: newId('enr'),
    program_id: input.program.id,
    contact_id: contact.id,
    code,
    link: referralLink(input.publicBaseUrl, code),
    status: 'active',
    source: input.source,
    created_at: input.now,
    updated_at: input.now,
    dashboard_token_version: 1,
  };
}

async function selectForContacts(db: Kysely<Database>, programId: string, contactIds: string[]): Promise<EnrolmentRow[]> {
  return db.selectFrom('enrolments').selectAll().where('program_id', '=', programId).where('contact_id', 'in', contactIds).execute();
}
