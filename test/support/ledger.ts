import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/schema';
import type { Harness } from './harness';

let seq = 0;

/** A referrer and a referred friend in the sandbox portal, with their enrolment and referral in the ledger. */
export async function createReferral(
  h: Harness,
  opts: { programId?: string; friend?: Record<string, string>; capturedAt?: number; flags?: string[] } = {},
) {
  const n = ++seq;
  const programId = opts.programId ?? 'spring';
  const referrer = await h.hubspot.crm.contacts.basicApi.create({
    properties: { email: `referrer${n}@example.org`, firstname: 'Rita', lifecyclestage: 'customer' },
    associations: [],
  });
  const friend = await h.hubspot.crm.contacts.basicApi.create({
    properties: { email: `friend${n}@example.com`, firstname: 'Finn', lifecyclestage: 'lead', ...opts.friend },
    associations: [],
  });
  const now = opts.capturedAt ?? h.service.ctx.clock();
  const db = h.service.ctx.database.db;
  await insertEnrolment(db, { id: `enr_${n}`, programId, contactId: referrer.id, code: `CODE${n}`.padEnd(8, 'X'), now });
  await db
    .insertInto('referrals')
    .values({
      id: `ref_${n}`, program_id: programId, enrolment_id: `enr_${n}`, referrer_contact_id: referrer.id,
      referred_contact_id: friend.id, email: `friend${n}@example.com`, email_normalised: `friend${n}@example.com`,
      source: 'form', flags: JSON.stringify(opts.flags ?? []), status: 'captured', reason: null, evidence: null,
      deal_id: null, captured_at: now, qualified_at: null, decided_at: null,
    })
    .execute();
  return { referrerId: referrer.id, friendId: friend.id, referralId: `ref_${n}` };
}

export async function insertEnrolment(db: Kysely<Database>, e: { id: string; programId: string; contactId: string; code: string; now: number }) {
  await db
    .insertInto('enrolments')
    .values({
      id: e.id, program_id: e.programId, contact_id: e.contactId, code: e.code, link: `https://refer.example/r/${e.code}`,
      status: 'active', source: 'bulk', created_at: e.now, updated_at: e.now,
    })
    .execute();
}
