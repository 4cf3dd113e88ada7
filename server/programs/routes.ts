import { Router } from 'express';
import type { AppContext, Feature } from '../context';
import { listPrograms, programOrNotFound, saveProgram } from './repository';
import { AppError } from '../errors';
import { inFlight } from './in-flight';

export function programsFeature(ctx: AppContext): Feature {
  const admin = Router();
  admin.get('/programs', async (_req, res) => {
    res.json({ programs: await listPrograms(ctx.database.db) });
  });
  admin.get('/programs/:id', async (req, res) => {
    res.json({ program: await programOrNotFound(ctx.database.db, req.params.id) });
  });
  admin.get('/programs/:id/in-flight', async (req, res) => {
    await programOrNotFound(ctx.database.db, req.params.id);
    res.json({ inFlight: await inFlight(ctx.database.db, req.params.id) });
  });
  admin.put('/programs/:id', async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('BAD_REQUEST', 'Send the program as a JSON object');
    if (body.id !== undefined && body.id !== req.params.id) {
      throw new AppError('VALIDATION_FAILED', `Invalid program: id: "${String(body.id)}" does not match the URL ("${req.params.id}")`, {
        issues: [{ path: 'id', message: 'The id in the body must match the URL' }],
      });
    }
    const actor = req.actor ?? { type: 'admin' as const, id: null };
    const { program, created, changed } = await saveProgram(ctx.database.db, { ...body, id: req.params.id }, ctx.clock(), actor);
    // What the save reaches among referrals already in flight, for the page to tell the admin.
    const reach = program.status === 'active' && !created ? await inFlight(ctx.database.db, program.id) : undefined;
    res.status(created ? 201 : 200).json({ program, changed, ...(reach && { inFlight: reach }) });
  });
  return { admin };
}
