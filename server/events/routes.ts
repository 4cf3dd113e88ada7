import { Router } from 'express';
import type { AppContext, Feature } from '../context';
import { validationError } from '../errors';
import { programOrNotFound } from '../programs/repository';
import { subscriptionInput } from './subscription-input';
import {
  createSubscription, deleteSubscription, deliveryView, listSubscriptions, recentDeliveries, subscriptionOrNotFound, subscriptionView,
} from './subscriptions';

/** The admin API for event subscriptions (docs/service-api.md, "Events"). */
export function eventsFeature(ctx: AppContext): Feature {
  const admin = Router();
  const db = ctx.database.db;
  admin.get('/programs/:id/event-subscriptions', async (req, res) => {
    const program = await programOrNotFound(db, req.params.id);
    res.json({ subscriptions: (await listSubscriptions(db, program.id)).map(subscriptionView) });
  });
  admin.post('/programs/:id/event-subscriptions', async (req, res) => {
    const program = await programOrNotFound(db, req.params.id);
    const parsed = subscriptionInput.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(parsed.error, 'event subscription');
    const row = await createSubscription(db, program.id, parsed.data, ctx.clock());
    ctx.logger.info({ subscription: row.id, program: program.id, host: new URL(row.url).host }, 'event subscription created');
    res.status(201).json({ subscription: subscriptionView(row) });
  });
  admin.get('/event-subscriptions/:id/deliveries', async (req, res) => {
    const subscription = await subscriptionOrNotFound(db, req.params.id);
    res.json({ deliveries: (await recentDeliveries(db, subscription.id)).map(deliveryView) });
  });
  admin.delete('/event-subscriptions/:id', async (req, res) => {
    await deleteSubscription(db, req.params.id, ctx.clock());
    res.status(204).end();
  });
  return { admin };
}
