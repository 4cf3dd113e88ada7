import type { AppContext } from '../../../server/context';
import { answeringDelivery, giveWayToDeliveries, QUIET_MS } from '../../../server/qualify/deliveries';

/** Decisions wait while deliveries arrive: HubSpot is waiting on those, the paused workflows are not. */
describe('decisions give way to deliveries', () => {
  const service = () => ({}) as AppContext;
  const elapsed = async (f: () => Promise<void>) => {
    const started = performance.now();
    await f();
    return performance.now() - started;
  };

  it('goes on at once when no delivery has arrived lately', async () => {
    const ctx = service();
    answeringDelivery(ctx)();
    await new Promise((r) => setTimeout(r, QUIET_MS * 5));
    expect(await elapsed(() => giveWayToDeliveries(ctx, 2000))).toBeLessThan(1000);
  });

  it('waits up to its limit while deliveries keep arriving, even when each is answered at once', async () => {
    const ctx = service();
    // A delivery arrives and is answered on every turn of the event loop.
    let flooding = true;
    const arrive = () => {
      answeringDelivery(ctx)();
      if (flooding) setImmediate(arrive);
    };
    arrive();
    try {
      expect(await elapsed(() => giveWayToDeliveries(ctx, 200))).toBeGreaterThanOrEqual(195);
    } finally {
      flooding = false;
    }
  });

  it('waits while a delivery is still being answered', async () => {
    const ctx = service();
    const done = answeringDelivery(ctx);
    setTimeout(done, 150);
    expect(await elapsed(() => giveWayToDeliveries(ctx, 2000))).toBeGreaterThanOrEqual(145);
  });

  it('keeps each service to its own deliveries', async () => {
    const busy = service();
    answeringDelivery(busy);
    expect(await elapsed(() => giveWayToDeliveries(service(), 2000))).toBeLessThan(1000);
  });
});
