import { Router, type RequestHandler } from 'express';
import type { RawBodyRequest } from '../http/raw-body';
import { AppError } from '../errors';
import { verifyWebhookSignature } from './webhook-signature';
import type { AppContext, Feature } from '../context';
import { cancelRewardsOfDeal, dealWonNow } from './deal-stage-cancellation';
import { eraseDeletedContact } from '../privacy/webhook-erasure';
import { enqueue } from '../jobs/queue';
import { readDealJob } from '../reports/referred-deals';
import { contactErasure, isDealStageChange, parseWebhookBatch, type WebhookEvent } from './events';

export interface WebhookOutcome {
  eventId: string;
  outcome: 'duplicate' | 'ignored' | 'still_won' | 'unknown_stage' | 'canceled' | 'erased';
  canceledRewardIds?: string[];
}

/**
 * HubSpot webhooks (src/app/webhooks): a deal that leaves closed won cancels the rewards it earned
 * that are not yet issued; a deleted contact's personal data is erased (server/privacy). An event is recorded once handled, so a redelivery changes nothing; an
 * event that fails is not recorded and the 5xx makes HubSpot deliver it again.
 *
 * Mounted in the public zone with its own signature check, not behind the `/hubspot` gate: webhook
 * deliveries carry v3 or v1 signatures, action calls v3 or v2 (webhook-signature.ts). Nothing is
 * read or written before the check passes.
 */
export function webhooksFeature(ctx: AppContext): Feature {
  const router = Router();
  router.post('/hubspot/webhooks', requireWebhookSignature(ctx), async (req, res) => {
    const events = parseWebhookBatch(req.body);
    const results: WebhookOutcome[] = [];
    for (const event of events) results.push(await handleEvent(ctx, event));
    res.json({ results });
  });
  return { public: router };
}

function requireWebhookSignature(ctx: AppContext): RequestHandler {
  return (req, _res, next) => {
    const { clientSecret } = ctx.config.hubspot;
    if (!clientSecret) {
      return next(new AppError('INVALID_SIGNATURE', 'HUBSPOT_CLIENT_SECRET is not configured, so HubSpot webhooks cannot be verified'));
    }
    const raw = (req as RawBodyRequest).rawBody;
    const check = verifyWebhookSignature(
      { method: req.method, url: ctx.config.publicBaseUrl + req.originalUrl, rawBody: raw ? raw.toString('utf8') : '', header: (name) => req.get(name) },
      clientSecret,
      ctx.clock(),
      ctx.config.requireSignatureV3,
    );
    if (!check.ok) return next(new AppError('INVALID_SIGNATURE', `Rejected: ${check.reason}`));
    req.actor = { type: 'system', id: null };
    next();
  };
}

async function handleEvent(ctx: AppContext, event: WebhookEvent): Promise<WebhookOutcome> {
  const { db } = ctx.database;
  const seen = await db.selectFrom('webhook_events').select('event_id').where('event_id', '=', event.eventId).executeTakeFirst();
  if (seen) return { eventId: event.eventId, outcome: 'duplicate' };

  let result: WebhookOutcome = { eventId: event.eventId, outcome: 'ignored' };
  const erasure = contactErasure(event);
  if (erasure) {
    // Records the event itself, without the contact id: the insert below then changes nothing.
    await eraseDeletedContact(ctx, event, erasure);
    result = { eventId: event.eventId, outcome: 'erased' };
  } else if (isDealStageChange(event)) {
    // The report's referred revenue follows the deal, won or not.
    await enqueue(db, readDealJob(event.objectId), ctx.clock());
    const check = await dealWonNow(ctx.gateway, event.objectId);
    if (check.won === true) result = { eventId: event.eventId, outcome: 'still_won' };
    else if (check.won === 'unknown') {
      ctx.logger.warn({ eventId: event.eventId, dealId: event.objectId, reason: check.reason }, 'deal stage not found; rewards left as they are');
      result = { eventId: event.eventId, outcome: 'unknown_stage' };
    } else {
      const actor = { type: 'system' as const, id: `hubspot-webhook:${event.eventId}` };
      const canceledRewardIds = await cancelRewardsOfDeal(ctx, event.objectId, check.reason, actor);
      result = { eventId: event.eventId, outcome: 'canceled', canceledRewardIds };
    }
  }
  await db
    .insertInto('webhook_events')
    .values({
      event_id: event.eventId,
      subscription_type: event.subscriptionType,
      object_id: event.objectId,
      property_value: event.propertyValue ?? null,
      occurred_at: event.occurredAt,
      processed_at: ctx.clock(),
    })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute();
  return result;
}
