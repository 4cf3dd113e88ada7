/**
 * Deliveries of "Qualify referral" per service (`AppContext.deliveryTraffic`): how many are being
 * answered and when the last one arrived. HubSpot waits on each delivery and retries one that times
 * out; a decision can wait, its workflow is paused anyway. So decisions give way while deliveries
 * are arriving.
 */
export class DeliveryTraffic {
  answering = 0;
  lastArrival = -Infinity;
}

interface WithTraffic {
  deliveryTraffic: DeliveryTraffic;
}

/**
 * A gap between deliveries shorter than this means more are coming (longer than a garbage-collection
 * pause). On SQLite a delivery is answered within one turn of the event loop, so "being answered"
 * alone is almost never true when a decision looks; the arrival rate is what tells a flood.
 */
export const QUIET_MS = 10;

/** Milliseconds, monotonic; tests pass their own. */
export type Stopwatch = () => number;
const monotonic: Stopwatch = () => performance.now();

/** Counts a delivery from now until `done` is called. */
export function answeringDelivery(ctx: WithTraffic, now: Stopwatch = monotonic): () => void {
  const t = ctx.deliveryTraffic;
  t.answering++;
  t.lastArrival = now();
  return () => {
    t.answering--;
  };
}

/**
 * Waits a timer turn (so requests already read get their turn), and while deliveries are arriving,
 * up to `maxWaitMs`: under a flood of deliveries decisions slow to a trickle (one per `maxWaitMs`),
 * and catch up when it ends. It yields on a timer, not with setImmediate, because under a backlog of
 * decisions setImmediate turns held new deliveries back for seconds.
 */
export async function giveWayToDeliveries(ctx: WithTraffic, maxWaitMs = 50, now: Stopwatch = monotonic): Promise<void> {
  const t = ctx.deliveryTraffic;
  const until = now() + maxWaitMs;
  const busy = () => t.answering > 0 || now() - t.lastArrival < QUIET_MS;
  do await new Promise((resolve) => setTimeout(resolve, 1));
  while (busy() && now() < until);
}
