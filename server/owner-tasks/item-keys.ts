/**
 * The items a program owner is asked to handle, each named by a stable key: the key is the unit of
 * "one task per item" (the owner_tasks primary key and the jobs' dedupe keys).
 */
export type ItemKind = 'review' | 'fulfilment' | 'hubspot-write';

export const reviewItem = (rewardId: string) => `review:${rewardId}`;
export const fulfilmentItem = (rewardId: string) => `fulfilment:${rewardId}`;
export const hubspotWriteItem = (jobId: number) => `hubspot-write:${jobId}`;

export function parseItemKey(key: string): { kind: ItemKind; id: string } {
  const match = /^(review|fulfilment|hubspot-write):(.+)$/.exec(key);
  if (!match) throw new Error(`Unknown owner task item "${key}": expected review:<rewardId>, fulfilment:<rewardId> or hubspot-write:<jobId>`);
  return { kind: match[1] as ItemKind, id: match[2]! };
}
