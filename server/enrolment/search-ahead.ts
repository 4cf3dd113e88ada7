/**
 * Runs a cursor-driven search chain ahead of its consumer, keeping up to `depth` pages ready. The
 * chain is paced by the search limit; a consumer that is busy writing (or retrying a write) then
 * does not hold the next searches back, and a search stalled by a retry is caught up from the buffer.
 */
export interface Fetched<P> {
  page: P;
  /** Where the next search starts, or null when this was the last page. */
  next: string | null;
}

export class SearchAhead<P> {
  private readonly ready: Array<Promise<Fetched<P>>> = [];
  private wake: (() => void) | undefined;
  private stopped = false;
  private done = false;

  constructor(private readonly fetchPage: (after: string | null) => Promise<Fetched<P>>, start: string | null, private readonly depth = 3) {
    void this.produce(start);
  }

  /** The next page in order, or null after the last one. */
  async next(): Promise<P | null> {
    while (this.ready.length === 0) {
      if (this.done) return null;
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
    const fetched = this.ready.shift()!;
    this.signal();
    return (await fetched).page;
  }

  /** Stop searching further (the consumer failed); pages already fetched are dropped. */
  stop(): void {
    this.stopped = true;
    this.signal();
  }

  private signal() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async produce(start: string | null): Promise<void> {
    let after = start;
    while (!this.stopped) {
      if (this.ready.length >= this.depth) {
        await new Promise<void>((resolve) => { this.wake = resolve; });
        continue;
      }
      const pending = this.fetchPage(after);
      pending.catch(() => undefined); // surfaced to the consumer when it takes this page
      this.ready.push(pending);
      this.signal();
      const fetched = await pending.catch(() => null);
      if (!fetched || fetched.next === null) break;
      after = fetched.next;
    }
    this.done = true;
    this.signal();
  }
}
