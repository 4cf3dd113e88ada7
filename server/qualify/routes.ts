import { Router } from 'express';
import type { AppContext, Feature } from '../context';
import { parseActionRequest } from '../hubspot/action-request';
import { acceptQualifyRequest } from './accept-request';
import { answeringDelivery } from './deliveries';

export function qualifyFeature(ctx: AppContext): Feature {
  const hubspot = Router();
  hubspot.post('/actions/qualify-referral', async (req, res) => {
    const done = answeringDelivery(ctx);
    try {
      res.json(await acceptQualifyRequest(ctx, parseActionRequest(req.body)));
    } finally {
      done();
    }
  });
  return { hubspot };
}
