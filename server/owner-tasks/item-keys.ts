/**
 * The items a program owner is asked to handle, each named by a stable key: the key is the unit of
 * "one task per item" (the owner_tasks primary key and the jobs' dedupe keys).
 */
export type ItemKind = 'review' | 'fulfilment' | 'hubspot-write' | 'event-endpoint';

export const reviewItem = (rewardId: string) => `review:${rewardId}`;
export const fulfilmentItem = (rewardId: string) => `fulfilment:${rewardId}`;
export const hubspotWriteItem = (jobId: number) => `hubspot-write:${jobId}`;
/** An event subscription's endpoint failing since a moment: a later failing spell is a new item. */
export const eventEndpointItem = (subscriptionId: string, failingSince: number) => `event-endpoint:${subscriptionId}@${failingSince}`;

export function parseItemKey(key: string): { kind: ItemKind; id: string } {
  const match = /^(review|fulfilment|hubspot-write|event-endpoint):(.+)$/.exec(key);
  if (!match) throw new Error(`Unknown owner task item "${key}": expected review:<rewardId>, fulfilment:<rewardId>, hubspot-write:<jobId> or event-endpoint:<subscriptionId>@<since>`);
  return { kind: match[1] as ItemKind, id: match[2]! };
}
