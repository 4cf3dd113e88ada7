import type { RequestHandler } from 'express';

export interface StatsSnapshot {
  total: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
}

/** `/crm/v3/objects/contacts/123` → `/crm/v3/objects/contacts/{id}`, so calls group by endpoint. */
export function endpointKey(method: string, path: string): string {
  const normalised = path.replace(/\/+$/, '').split('/').map((segment) => {
    if (/^\d+$/.test(segment)) return '{id}';
    if (/^ap-[\d-]+$/.test(segment)) return '{callbackId}';
    return segment;
  }).join('/');
  return `${method} ${normalised || '/'}`;
}

/** Counts API calls by endpoint and status; benchmarks read it to count the calls they cost. */
export class RequestStats {
  private total = 0;
  private byEndpoint = new Map<string, number>();
  private byStatus = new Map<string, number>();

  record(method: string, path: string, status: number): void {
    this.total++;
    const key = endpointKey(method, path);
    this.byEndpoint.set(key, (this.byEndpoint.get(key) ?? 0) + 1);
    this.byStatus.set(String(status), (this.byStatus.get(String(status)) ?? 0) + 1);
  }

  snapshot(): StatsSnapshot {
    return { total: this.total, byEndpoint: Object.fromEntries(this.byEndpoint), byStatus: Object.fromEntries(this.byStatus) };
  }

  reset(): void {
    this.total = 0;
    this.byEndpoint.clear();
    this.byStatus.clear();
  }
}

export function countRequests(stats: RequestStats): RequestHandler {
  return (req, res, next) => {
    const { method, path } = req;
    res.on('finish', () => stats.record(method, path, res.statusCode));
    next();
  };
}
