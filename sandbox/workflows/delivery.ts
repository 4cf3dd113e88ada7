import { signRequest } from '../signing';
import type { AttemptResponse } from './response-rules';

export interface SignedPost {
  url: string;
  body: string;
  clientSecret: string;
  timestamp: number;
  timeoutMs: number;
}

export interface DeliveryResult {
  requestHeaders: Record<string, string>;
  response?: AttemptResponse;
  /** Set when no HTTP answer arrived (refused connection, timeout): HubSpot retries those. */
  error?: string;
}

/** POSTs a signed action payload the way HubSpot does and captures whatever comes back. */
export async function postSigned({ url, body, clientSecret, timestamp, timeoutMs }: SignedPost): Promise<DeliveryResult> {
  const requestHeaders: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) (sandbox)',
    ...signRequest({ clientSecret, method: 'POST', url, body, timestamp }),
  };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: requestHeaders,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { requestHeaders, response: { status: response.status, headers, body: await response.text() } };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message;
    return { requestHeaders, error: cause ? `${reason} (${cause})` : reason };
  }
}
