import { Router } from 'express';
import type { AppContext, Feature } from '../context';
import { listPrograms, programOrNotFound, saveProgram } from './repository';
import { AppError } from '../errors';

export function programsFeature(ctx: AppContext): Feature {
  const admin = Router();
  admin.get('/programs', async (_req, res) => {
    res.json({ programs: await listPrograms(ctx.database.db) });
  });
  admin.get('/programs/:id', async (req, res) => {
    res.json({ program: await programOrNotFound(ctx.database.db, req.params.id) });
  });
  admin.put('/programs/:id', async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('BAD_REQUEST', 'Send the program as a JSON object');
    if (body.id !== undefined && body.id !== req.params.id) {
      throw new AppError('VALIDATION_FAILED', `Invalid program: id: "${String(body.id)}" does not match the URL ("${req.params.id}")`, {
        issues: [{ path: 'id', message: 'The id in the body must match the URL' }],
      });
    }
    const { program, created } = await saveProgram(ctx.database.db, { ...body, id: req.params.id }, ctx.clock());
    res.status(created ? 201 : 200).json({ program });
  });
  return { admin };
}
