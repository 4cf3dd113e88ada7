import { Router } from 'express';
import type { AppContext, Feature } from '../context';
import { AppError, validationError } from '../errors';
import { programOrNotFound } from '../programs/repository';
import type { SecretLookup } from './signing-secret';
import { subscriptionChange, subscriptionInput } from './subscription-input';
import {
  createSubscription, deleteSubscription, deliveryView, listSubscriptions, recentDeliveries, setSubscriptionStatus, subscriptionOrNotFound,
  subscriptionView,
} from './subscriptions';

/**
 * The admin API for event subscriptions (docs/service-api.md, "Events"). `env` is where a
 * `secretRef` must be set: the service's environment, which the dispatcher signs from.
 */
export function eventsFeature(ctx: AppContext, { env = process.env }: { env?: SecretLookup } = {}): Feature {
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
    const { secretRef } = parsed.data;
    // Refused now rather than found out at the first delivery, which would fail until the setting exists.
    if (secretRef !== undefined && !env[secretRef]?.trim()) {
      const message = `the service has no setting ${secretRef}: set it to a random secret of at least 16 characters where the service runs, restart it, then add the subscription`;
      throw new AppError('VALIDATION_FAILED', `Invalid event subscription: secretRef: ${message}`, { issues: [{ path: 'secretRef', message }] });
    }
    const row = await createSubscription(db, program.id, parsed.data, ctx.clock());
    ctx.logger.info({ subscription: row.id, program: program.id, host: new URL(row.url).host }, 'event subscription created');
    res.status(201).json({ subscription: subscriptionView(row) });
  });
  admin.get('/event-subscriptions/:id/deliveries', async (req, res) => {
    const subscription = await subscriptionOrNotFound(db, req.params.id);
    res.json({ deliveries: (await recentDeliveries(db, subscription.id)).map(deliveryView) });
  });
  admin.patch('/event-subscriptions/:id', async (req, res) => {
    const parsed = subscriptionChange.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(parsed.error, 'event subscription change');
    const row = await setSubscriptionStatus(db, req.params.id, parsed.data.status, ctx.clock());
    ctx.logger.info({ subscription: row.id, status: row.status }, 'event subscription changed');
    res.json({ subscription: subscriptionView(row) });
  });
  admin.delete('/event-subscriptions/:id', async (req, res) => {
    await deleteSubscription(db, req.params.id, ctx.clock());
    res.status(204).end();
  });
  return { admin };
}
