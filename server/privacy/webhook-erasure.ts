import type { AppContext } from '../context';
import type { ContactErasure, WebhookEvent } from '../webhooks/events';
import { eraseSubject, type ErasureOutcome } from './erase-subject';
import { pseudonymKey } from './pseudonym';

/**
 * Erases a contact HubSpot deleted. The event is recorded as handled in the erasure's own
 * transaction (under the pseudonym), so a redelivery finds it done and a failure leaves nothing
 * half-erased: HubSpot retries it.
 */
export async function eraseDeletedContact(ctx: AppContext, event: WebhookEvent, trigger: ContactErasure): Promise<ErasureOutcome> {
  const outcome = await eraseSubject(ctx.database, pseudonymKey(ctx.config), ctx.clock(), {
    subject: { contactId: event.objectId, emails: [] },
    trigger,
    actor: { type: 'system', id: `hubspot-webhook:${event.eventId}` },
    event: { eventId: event.eventId, subscriptionType: event.subscriptionType, occurredAt: event.occurredAt },
  });
  // The pseudonym, never the contact id: logs outlive the erasure.
  ctx.logger.info({ eventId: event.eventId, trigger, subject: outcome.subject, erased: outcome.erased }, 'contact deleted in HubSpot: personal data erased');
  return outcome;
}
