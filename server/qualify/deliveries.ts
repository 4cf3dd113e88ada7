import type { AppContext } from '../context';

/**
 * Deliveries of "Qualify referral" being answered right now, per service. HubSpot waits on each
 * delivery and retries one that times out; a decision can wait, its workflow is paused anyway. So
 * decisions give way while deliveries are being answered.
 */
const answering = new WeakMap<AppContext, { count: number }>();

function counter(ctx: AppContext): { count: number } {
  let c = answering.get(ctx);
  if (!c) answering.set(ctx, (c = { count: 0 }));
  return c;
}

/** Counts a delivery from now until `done` is called. */
export function answeringDelivery(ctx: AppContext): () => void {
  const c = counter(ctx);
  c.count++;
  return () => {
    c.count--;
  };
}

/**
 * Waits a timer turn (so requests already read get their turn), and while deliveries are being
 * answered, up to `maxWaitMs`: under a flood of deliveries decisions slow to a trickle, and catch
 * up when it ends. With setImmediate instead of a timer, a backlog held new deliveries for seconds.
 */
export async function giveWayToDeliveries(ctx: AppContext, maxWaitMs = 50): Promise<void> {
  const until = Date.now() + maxWaitMs;
  do await new Promise((resolve) => setTimeout(resolve, 1));
  while (counter(ctx).count > 0 && Date.now() < until);
}
