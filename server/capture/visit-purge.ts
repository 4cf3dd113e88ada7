import type { Db } from '../db/database';
import { listPrograms } from '../programs/repository';

/** The longest velocity window a program may set (program.ts): no address outlives it. */
export const MAX_VISIT_RETENTION_MS = 24 * 3_600_000;

/**
 * Keeps visits only as long as fraud signals need them (docs/privacy.md): clicks and captures
 * count towards velocity within the program's window and are deleted after it; a sign-up keeps its
 * browser id (a friend arriving later from that browser is still flagged) but loses its network
 * address. Returns the rows
 * deleted and the addresses blanked.
 */
export async function purgeVisits(db: Db, now: number): Promise<{ deleted: number; blanked: number }> {
  let deleted = 0;
  let blanked = 0;
  const cutoffs = (await listPrograms(db)).map((p) => ({ programId: p.id, before: now - p.review.velocity.windowMinutes * 60_000 }));
  // Visits of a program deleted since, and anything else: never older than the longest window.
  cutoffs.push({ programId: '', before: now - MAX_VISIT_RETENTION_MS });
  for (const { programId, before } of cutoffs) {
    let del = db.deleteFrom('visits').where('kind', '!=', 'signup').where('at', '<', before);
    let upd = db.updateTable('visits').set({ ip: null }).where('kind', '=', 'signup').where('ip', 'is not', null).where('at', '<', before);
    if (programId) {
      del = del.where('program_id', '=', programId);
      upd = upd.where('program_id', '=', programId);
    }
    deleted += Number((await del.executeTakeFirst()).numDeletedRows);
    blanked += Number((await upd.executeTakeFirst()).numUpdatedRows);
  }
  return { deleted, blanked };
}
