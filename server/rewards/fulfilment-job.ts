/**
 * The job kind older versions queued for each webhook fulfilment. Jobs of this kind left in a database
 * after an upgrade (or queued by an older replica during a rolling one) are moved into the event
 * outbox by their handler (server/rewards/fulfilment.ts); the owner-task hook also knows the kind.
 */
export const FULFIL_WEBHOOK = 'reward.fulfil-webhook';
