import { Client } from '@hubspot/api-client';

export interface HubSpotConnection {
  accessToken: string;
  /** HubSpot's public API, or the local sandbox portal. */
  apiBase: string;
  /** Retries inside the official client (429 and 5xx); durable jobs retry beyond that. */
  retries?: number;
}

/** The official client, pointed at HubSpot or at the sandbox through `basePath`. */
export function createHubSpotClient(conn: HubSpotConnection): Client {
  return new Client({ accessToken: conn.accessToken, basePath: conn.apiBase, numberOfApiCallRetries: conn.retries ?? 3 });
}

/**
 * Raised by the gateway when HubSpot keeps failing a call; `status` is HubSpot's last answer, if any.
 * Declared here, beside `hubspotStatus`, so that callers telling a 404 from a 429 read either error.
 */
export class HubSpotCallFailed extends Error {
  constructor(message: string, readonly status: number | undefined, readonly attempts: number, override readonly cause: unknown) {
    super(message);
    this.name = 'HubSpotCallFailed';
  }
}

/** The HTTP status of an error thrown by the official client or the gateway, if it carries one. */
export function hubspotStatus(err: unknown): number | undefined {
  if (err instanceof HubSpotCallFailed) return err.status;
  const e = err as { code?: unknown; response?: { status?: unknown } };
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.response?.status === 'number') return e.response.status;
  return undefined;
}
