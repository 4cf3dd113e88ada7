import type { Db } from '../db/database';
import type { ActionResponse } from './action-request';

/**
 * The answer stored for a workflow action callback, if it was answered before. HubSpot repeats a
 * callbackId (retries, also concurrently); every action answers a repeat with the first answer.
 */
export async function storedAnswer(db: Db, callbackId: string): Promise<ActionResponse | undefined> {
  const row = await db.selectFrom('action_decisions').select('response').where('callback_id', '=', callbackId).executeTakeFirst();
  return row ? (JSON.parse(row.response) as ActionResponse) : undefined;
}
