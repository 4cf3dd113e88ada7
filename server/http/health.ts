import { Router } from 'express';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/database';

/** Liveness that also proves the database answers, and says which one is in use. */
export function healthRoutes(database: DatabaseHandle): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    try {
      await sql`select 1`.execute(database.db);
      res.json({ status: 'ok', database: { dialect: database.dialect, url: database.description } });
    } catch {
      res.status(503).json({
        error: { code: 'UNAVAILABLE', message: 'The database does not answer', details: { dialect: database.dialect } },
      });
    }
  });
  return router;
}
