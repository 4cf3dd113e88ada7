import { contactErasure, parseWebhookBatch } from '../../../server/webhooks/events';

function buildEvent(overrides: Record<string, unknown>) {
  const [event] = parseWebhookBatch([{ eventId: 1, objectId: 101, occurredAt: 1, subscriptionType: 'object.deletion', ...overrides }]);
  return event!;
}

describe('which HubSpot events erase a contact', () => {
  it.each([
    [{ subscriptionType: 'contact.privacyDeletion' }, 'hubspot_privacy_deletion'],
    [{ subscriptionType: 'contact.deletion' }, 'hubspot_deletion'],
    [{ subscriptionType: 'object.deletion', objectTypeId: '0-1' }, 'hubspot_deletion'],
    [{ subscriptionType: 'object.deletion', objectType: 'contact' }, 'hubspot_deletion'],
  ])('%j erases (%s)', (event, trigger) => {
    expect(contactErasure(buildEvent(event))).toBe(trigger);
  });

  it.each([
    [{ subscriptionType: 'object.deletion', objectTypeId: '0-3' }],
    // Without its type the id could be a deal's: erasing a contact that happens to share it would be wrong.
    [{ subscriptionType: 'object.deletion' }],
    [{ subscriptionType: 'deal.deletion' }],
    [{ subscriptionType: 'object.propertyChange', objectTypeId: '0-1', propertyName: 'email' }],
  ])('%j does not', (event) => {
    expect(contactErasure(buildEvent(event))).toBeUndefined();
  });
});
