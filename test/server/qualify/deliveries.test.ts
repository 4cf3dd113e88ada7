import * as deliveries from '../../../server/qualify/deliveries';
import { DeliveryTraffic, QUIET_MS } from '../../../server/qualify/deliveries';

type WithTraffic = { deliveryTraffic: DeliveryTraffic };

/**
 * Decisions wait while deliveries arrive: HubSpot is waiting on those, the paused workflows are not.
 * The stopwatch is set by hand, so a slow test machine cannot make a gap between deliveries, and the
 * timers are Jest's, so "one timer turn later" is exact rather than a guess at how long a turn takes.
 */
describe('decisions give way to deliveries', () => {
  const clock = { now: 1_000_000 };
  const stopwatch = () => clock.now;
  const answeringDelivery = (ctx: WithTraffic) => deliveries.answeringDelivery(ctx, stopwatch);
  const giveWayToDeliveries = (ctx: WithTraffic, maxWaitMs: number) => deliveries.giveWayToDeliveries(ctx, maxWaitMs, stopwatch);
  const service = () => ({ ctx: { deliveryTraffic: new DeliveryTraffic() }, clock });
  const settled = (p: Promise<void>) => {
    const state = { done: false };
    void p.then(() => (state.done = true));
    return state;
  };
  /** Runs the timers due within `ms` of Jest's clock; the service's stopwatch does not move. */
  const turns = (ms: number) => jest.advanceTimersByTimeAsync(ms);

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('goes on after one timer turn when no delivery has arrived lately', async () => {
    const { ctx, clock } = service();
    answeringDelivery(ctx)();
    clock.now += QUIET_MS;
    // The stopwatch stands still, so a wait that did not end at once would never end.
    const wait = settled(giveWayToDeliveries(ctx, 1000));
    expect(wait.done).toBe(false);
    await turns(1);
    expect(wait.done).toBe(true);
  });

  it('waits up to its limit while deliveries keep arriving, even when each is answered at once', async () => {
    const { ctx, clock } = service();
    const started = clock.now;
    const wait = settled(giveWayToDeliveries(ctx, 200));
    // A delivery every millisecond of the service's clock, answered at once.
    while (!wait.done) {
      clock.now += 1;
      answeringDelivery(ctx)();
      await turns(1);
    }
    expect(clock.now - started).toBeGreaterThanOrEqual(200);
  });

  it('waits while a delivery is still being answered, then goes on', async () => {
    const { ctx, clock } = service();
    const done = answeringDelivery(ctx);
    clock.now += 10 * QUIET_MS;
    const wait = settled(giveWayToDeliveries(ctx, 1000));
    await turns(50);
    expect(wait.done).toBe(false);
    done();
    await turns(1);
    expect(wait.done).toBe(true);
  });

  it('keeps each service to its own deliveries', async () => {
    const busy = service();
    answeringDelivery(busy.ctx);
    const busyWait = settled(giveWayToDeliveries(busy.ctx, 1000));
    const quietWait = settled(giveWayToDeliveries(service().ctx, 1000));
    await turns(1);
    expect(quietWait.done).toBe(true);
    expect(busyWait.done).toBe(false);
  });
});
