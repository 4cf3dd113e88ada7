import type { Logger } from '../logger';

/**
 * Runs `round` now and again after every interval until stopped; one round at a time. `stop()`
 * waits for the round under way, so whoever stops the loop (the service's stop) can close the
 * database after it. A failed round is logged and the loop goes on.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;

  constructor(
    private readonly round: () => Promise<number>,
    private readonly logger: Pick<Logger, 'error'>,
    private readonly failure: string,
    /** A round that did work means more may be waiting: go again at once instead of after the interval. */
    private readonly againWhenBusy = false,
  ) {}

  start(intervalMs: number): void {
    this.stopped = false;
    const tick = async () => {
      this.running = this.round().catch((err) => {
        this.logger.error({ err }, this.failure);
        return 0;
      });
      const ran = await this.running;
      // stop() may have been called while this round ran: then there is no next one.
      if (!this.stopped) this.timer = setTimeout(tick, this.againWhenBusy && ran > 0 ? 0 : intervalMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
