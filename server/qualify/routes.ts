import { Router } from 'express';
import type { AppContext, Feature } from '../context';
import { parseActionRequest } from '../hubspot/action-request';
import { qualifyReferral } from './qualify-referral';

export function qualifyFeature(ctx: AppContext): Feature {
  const hubspot = Router();
  hubspot.post('/actions/qualify-referral', async (req, res) => {
    res.json(await qualifyReferral(ctx, parseActionRequest(req.body)));
  });
  return { hubspot };
}
