/**
 * Values read from HubSpot kept for a short time, one in-flight or recent read per key; a failed
 * read is forgotten at once so the next request tries again. Held by an object built from an
 * `AppContext` (the portal's settings, a feature), never module state: two services in one process keep apart.
 */
export class BriefCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(private readonly ttlMs: number, private readonly clock: () => number) {}

  get<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = read();
    this.entries.set(key, { at: now, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
