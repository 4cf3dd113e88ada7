import type { Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Database, RewardTable } from '../db/schema';
import type { Dialect } from '../db/database';
import { AppError } from '../errors';

export type RewardRow = Selectable<RewardTable>;

/** What the API and the card show of a reward. */
export function rewardView(r: RewardRow) {
  return {
    id: r.id,
    programId: r.program_id,
    referralId: r.referral_id,
    recipient: r.recipient,
    recipientContactId: r.recipient_contact_id,
    kind: r.kind,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    reviewReasons: (JSON.parse(r.review_reasons) as Array<{ message: string }>).map((x) => x.message),
    holdUntil: r.hold_until ? new Date(r.hold_until).toISOString() : null,
    fulfilmentRef: r.fulfilment_ref,
    createdAt: new Date(r.created_at).toISOString(),
    issuedAt: r.issued_at ? new Date(r.issued_at).toISOString() : null,
  };
}

export async function lockReward(trx: Transaction<Database>, dialect: Dialect, id: string): Promise<RewardRow> {
  const query = trx.selectFrom('rewards').selectAll().where('id', '=', id);
  const row = await (dialect === 'postgres' ? query.modifyEnd(sql`for update`) : query).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No reward with id "${id}"`);
  return row;
}

export interface RewardFilter {
  status?: string[];
  programId?: string;
  recipient?: 'referrer' | 'friend';
  contactId?: string;
  limit?: number;
}

export async function listRewards(db: Kysely<Database>, f: RewardFilter): Promise<RewardRow[]> {
  let q = db.selectFrom('rewards').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(f.limit ?? 500);
  if (f.status?.length) q = q.where('status', 'in', f.status as RewardRow['status'][]);
  if (f.programId) q = q.where('program_id', '=', f.programId);
  if (f.recipient) q = q.where('recipient', '=', f.recipient);
  if (f.contactId) q = q.where('recipient_contact_id', '=', f.contactId);
  return q.execute();
}
