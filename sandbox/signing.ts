import { createHash, createHmac } from 'node:crypto';

/**
 * HubSpot's side of request signing: what HubSpot puts on every request it sends to an app
 * (workflow action calls, webhooks, `hubspot.fetch`). The service verifies these headers; tests and the
 * sandbox's workflow engine use this module to produce them exactly as HubSpot does.
 */

export interface SignableRequest {
  clientSecret: string;
  /** Upper-case HTTP method, e.g. `POST`. */
  method: string;
  /** The full URL called: scheme, host, path and query. */
  url: string;
  /** The raw body as sent (an empty string for a request without a body). */
  body: string;
  /** Milliseconds since the epoch; HubSpot sends milliseconds, not seconds. */
  timestamp: number;
}

export interface SignatureHeaders {
  'X-HubSpot-Signature-v3': string;
  'X-HubSpot-Request-Timestamp': string;
  'X-HubSpot-Signature': string;
  'X-HubSpot-Signature-Version': 'v2';
}

/** v3: base64 HMAC-SHA256, keyed with the client secret, over method + uri + body + timestamp. */
export function signatureV3({ clientSecret, method, url, body, timestamp }: SignableRequest): string {
  return createHmac('sha256', clientSecret).update(`${method}${url}${body}${timestamp}`).digest('base64');
}

/** v2: hex SHA-256 of clientSecret + method + uri + body (what custom workflow actions are documented to use). */
export function signatureV2({ clientSecret, method, url, body }: Omit<SignableRequest, 'timestamp'>): string {
  return createHash('sha256').update(`${clientSecret}${method}${url}${body}`).digest('hex');
}

/** v1: hex SHA-256 of clientSecret + body (the webhooks API's original scheme). */
export function signatureV1({ clientSecret, body }: { clientSecret: string; body: string }): string {
  return createHash('sha256').update(`${clientSecret}${body}`).digest('hex');
}

/** The headers HubSpot sends on a newer signed request: v3 plus the v2 pair for older verifiers. */
export function signRequest(request: SignableRequest): SignatureHeaders {
  return {
    'X-HubSpot-Signature-v3': signatureV3(request),
    'X-HubSpot-Request-Timestamp': String(request.timestamp),
    'X-HubSpot-Signature': signatureV2(request),
    'X-HubSpot-Signature-Version': 'v2',
  };
}

/** Headers of a v1-signed request (webhooks API). */
export function signRequestV1({ clientSecret, body }: { clientSecret: string; body: string }) {
  return { 'X-HubSpot-Signature': signatureV1({ clientSecret, body }), 'X-HubSpot-Signature-Version': 'v1' as const };
}
