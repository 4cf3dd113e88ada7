import { z } from 'zod';
import { validationError } from '../errors';

/** HubSpot's ids for the deal and contact object types, sent as `objectTypeId` on `object.*` events. */
const DEAL_OBJECT_TYPE_ID = '0-3';
const CONTACT_OBJECT_TYPE_ID = '0-1';

const id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);

/**
 * One item of the array HubSpot POSTs to the webhook target URL. Only the fields this service reads
 * are checked; HubSpot adds others (portalId, appId, changeSource…) and they pass through.
 */
const webhookEvent = z.looseObject({
  eventId: id,
  subscriptionType: z.string().min(1),
  objectId: id,
  occurredAt: z.number().int(),
  attemptNumber: z.number().int().optional(),
  objectTypeId: z.string().optional(),
  objectType: z.string().optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().nullish(),
});

export type WebhookEvent = z.output<typeof webhookEvent>;

const webhookBatch = z.array(webhookEvent).max(1000, 'HubSpot sends at most 100 events per request');

export function parseWebhookBatch(body: unknown): WebhookEvent[] {
  const parsed = webhookBatch.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, 'HubSpot webhook payload (expected an array of events)');
  return parsed.data;
}

/**
 * A deal's `dealstage` changed. Subscriptions made in the project are `object.propertyChange`
 * events; the legacy `deal.propertyChange` form is accepted too, so either subscription style works.
 */
export function isDealStageChange(event: WebhookEvent): boolean {
  if (event.propertyName !== 'dealstage') return false;
  if (event.subscriptionType === 'deal.propertyChange') return true;
  if (event.subscriptionType !== 'object.propertyChange') return false;
  const type = event.objectTypeId ?? event.objectType;
  return type === undefined || type === DEAL_OBJECT_TYPE_ID || /^deals?$/i.test(type);
}

export type ContactErasure = 'hubspot_deletion' | 'hubspot_privacy_deletion';

/**
 * A contact deleted in HubSpot, whose personal data the ledger then erases (docs/privacy.md).
 * HubSpot sends a GDPR delete as `contact.privacyDeletion` (a "hub event" subscription) and also as
 * an ordinary deletion; both are acted on, the second finds nothing left. An `object.deletion`
 * counts only when it names the contact type: without it, the id could be a deal's.
 */
export function contactErasure(event: WebhookEvent): ContactErasure | undefined {
  if (event.subscriptionType === 'contact.privacyDeletion') return 'hubspot_privacy_deletion';
  if (event.subscriptionType === 'contact.deletion') return 'hubspot_deletion';
  if (event.subscriptionType !== 'object.deletion') return undefined;
  const type = event.objectTypeId ?? event.objectType;
  return type !== undefined && (type === CONTACT_OBJECT_TYPE_ID || /^contacts?$/i.test(type)) ? 'hubspot_deletion' : undefined;
}
