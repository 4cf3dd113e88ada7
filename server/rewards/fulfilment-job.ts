/**
 * The kind of the durable job that sent fulfilment webhooks before they went through the event
 * outbox. Nothing queues it any more; jobs of this kind left in a database are moved into the
 * outbox by their handler (server/rewards/fulfilment.ts), and the owner-task hook still knows it.
 */
export const FULFIL_WEBHOOK = 'reward.fulfil-webhook';
