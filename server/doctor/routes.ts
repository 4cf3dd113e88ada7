import { Router } from 'express';
import type { AppContext, Feature } from '../context';
import { runDoctor } from './run-doctor';

/** `GET /api/programs/:id/doctor`: the launch checklist, for the settings page. */
export function doctorFeature(ctx: AppContext): Feature {
  const admin = Router();
  admin.get('/programs/:id/doctor', async (req, res) => {
    res.json(await runDoctor({ config: ctx.config, db: ctx.database.db, gateway: ctx.gateway, clock: ctx.clock }, req.params.id));
  });
  return { admin };
}
