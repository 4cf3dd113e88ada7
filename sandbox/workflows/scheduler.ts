/**
 * Time for the workflow engine. HubSpot's retry window is three days and a BLOCKed action waits a week,
 * so the engine never reads the wall clock or sets timers itself: it asks a Scheduler. The real one uses
 * timers; the virtual one only moves when a test (or a benchmark) advances it.
 */
export interface Scheduler {
  now(): number;
  /** Run `task` at `time` (ms since epoch). Returns a function that cancels it. */
  at(time: number, task: () => unknown): () => void;
}

/** Wall-clock scheduler for a running sandbox. Timers are unref'd so they never keep a process alive. */
export class RealScheduler implements Scheduler {
  now(): number {
    return Date.now();
  }

  at(time: number, task: () => unknown): () => void {
    // setTimeout overflows above ~24.8 days; re-arm in steps so long expirations still fire.
    const maxDelay = 2_000_000_000;
    let handle: NodeJS.Timeout;
    const arm = () => {
      const delay = time - Date.now();
      handle = setTimeout(() => (delay > maxDelay ? arm() : void task()), Math.max(0, Math.min(delay, maxDelay)));
      handle.unref();
    };
    arm();
    return () => clearTimeout(handle);
  }
}

interface PendingTask {
  time: number;
  seq: number;
  task: () => unknown;
}

/**
 * Compressed time: `advance(ms)` runs every task due within the window in time order, awaiting each
 * (a task may be an HTTP delivery) before moving on, so tasks scheduled by tasks also run if they fall
 * inside the window.
 */
export class VirtualScheduler implements Scheduler {
  private current: number;
  private seq = 0;
  private pending: PendingTask[] = [];

  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  at(time: number, task: () => unknown): () => void {
    const entry: PendingTask = { time, seq: this.seq++, task };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((p) => p !== entry);
    };
  }

  /** Moves time forward by `ms`, running what falls due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.current = Math.max(this.current, next.time);
      await next.task();
    }
    this.current = Math.max(this.current, target);
  }

  /** When the next task is due, or undefined if nothing is scheduled. */
  nextTime(): number | undefined {
    return this.nextDue(Number.POSITIVE_INFINITY)?.time;
  }

  private nextDue(limit: number): PendingTask | undefined {
    let best: PendingTask | undefined;
    for (const p of this.pending) {
      if (p.time <= limit && (!best || p.time < best.time || (p.time === best.time && p.seq < best.seq))) best = p;
    }
    return best;
  }
}
