import { createHash, createHmac } from 'node:crypto';

/**
 * HubSpot's side of request signing: what HubSpot puts on every request it sends to an app
 * (workflow action and options calls, webhooks, `hubspot.fetch`). The sandbox signs what it sends with
 * this module and every test that needs a signed request asks it for one, so there is one notion of
 * "signed like HubSpot" to check against HubSpot's official client (test/sandbox/signing.test.ts).
 */

export interface SignableRequest {
  clientSecret: string;
  /** Upper-case HTTP method, e.g. `POST`. */
  method: string;
  /** The full URL called, as sent: scheme, host, path and query. */
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

/**
 * The escapes HubSpot's request validation guide lists as decoded in the URI before a v3 signature is
 * computed; any other escape stays as sent. A verifier must decode the same set, so the sandbox signs
 * the decoded form to hold the service to it.
 */
const V3_DECODED: Readonly<Record<string, string>> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'",
  '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

/** The URI as HubSpot signs it for v3. */
export function v3SignedUrl(url: string): string {
  return url.replace(/%[0-9A-F]{2}/gi, (escape) => V3_DECODED[escape.toUpperCase()] ?? escape);
}

/** v3: base64 HMAC-SHA256, keyed with the client secret, over method + decoded uri + body + timestamp. */
export function signatureV3({ clientSecret, method, url, body, timestamp }: SignableRequest): string {
  return createHmac('sha256', clientSecret).update(`${method}${v3SignedUrl(url)}${body}${timestamp}`).digest('base64');
}

/** v2: hex SHA-256 of clientSecret + method + uri + body (what custom workflow actions are documented to use). */
export function signatureV2({ clientSecret, method, url, body }: Omit<SignableRequest, 'timestamp'>): string {
  return createHash('sha256').update(`${clientSecret}${method}${url}${body}`).digest('hex');
}

/** v1: hex SHA-256 of clientSecret + body (the webhooks API's original scheme). */
export function signatureV1({ clientSecret, body }: { clientSecret: string; body: string }): string {
  return createHash('sha256').update(`${clientSecret}${body}`).digest('hex');
}

/**
 * Which signatures a request carries. HubSpot sends `v3+v2` on workflow action and options calls and
 * `v3+v1` on webhook deliveries; the single versions are what an older sender, or a captured request
 * replayed without its v3 headers, looks like.
 */
export type SignatureScheme = 'v3+v2' | 'v3+v1' | 'v3' | 'v2' | 'v1';

/** The signature headers of `request` under `scheme`, spelled as HubSpot spells them. */
export function signedHeaders(request: SignableRequest, scheme: SignatureScheme): Record<string, string> {
  const v3 = { 'X-HubSpot-Signature-v3': signatureV3(request), 'X-HubSpot-Request-Timestamp': String(request.timestamp) };
  const v2 = { 'X-HubSpot-Signature': signatureV2(request), 'X-HubSpot-Signature-Version': 'v2' };
  const v1 = { 'X-HubSpot-Signature': signatureV1(request), 'X-HubSpot-Signature-Version': 'v1' };
  switch (scheme) {
    case 'v3+v2': return { ...v3, ...v2 };
    case 'v3+v1': return { ...v3, ...v1 };
    case 'v3': return v3;
    case 'v2': return v2;
    case 'v1': return v1;
  }
}

/** The headers HubSpot sends on a workflow action or options call: v3 plus the v2 pair for older verifiers. */
export function signRequest(request: SignableRequest): SignatureHeaders {
  return signedHeaders(request, 'v3+v2') as unknown as SignatureHeaders;
}
