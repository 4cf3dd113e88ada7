import type { Client } from '@hubspot/api-client';

/**
 * Completing a callback that "Qualify referral" answered with BLOCK, in the body HubSpot's current
 * API reference documents: `outputFields` and `typedOutputs` are both marked required (for the v4
 * path and the date-versioned 2026-03 one). `@hubspot/api-client` 14's `CallbacksApi` models only
 * `outputFields` and drops any other key when it serialises, so the requests are sent as raw calls
 * through the same client (same token, base path and transport).
 *
 * All output fields of our actions are strings or enumerations, so their typed values are the same
 * strings; sending the same map in both keeps a HubSpot that reads either field correct.
 */
export interface Completion {
  callbackId: string;
  outputFields: Record<string, string>;
}

export function completionBody(outputFields: Record<string, string>) {
  return { outputFields, typedOutputs: { ...outputFields } };
}

/**
 * HubSpot answered a completion with an error status; `code` is what `hubspotStatus` reads and
 * `headers` carry Retry-After for the gateway.
 */
export class CompletionError extends Error {
  constructor(readonly code: number, readonly body: string, readonly headers: Record<string, string> = {}) {
    super(`HubSpot answered ${code} to the callback completion: ${summarise(body)}`);
  }
}

function summarise(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; category?: unknown };
    if (typeof parsed.message === 'string') return typeof parsed.category === 'string' ? `${parsed.category}: ${parsed.message}` : parsed.message;
  } catch {
    // Gateways answer HTML; the status alone says enough then.
  }
  return body.slice(0, 200) || '(no body)';
}

async function post(client: Client, path: string, body: unknown): Promise<void> {
  const response = await client.apiRequest({ method: 'POST', path, body });
  if (response.ok) return;
  const retryAfter = response.headers.get('retry-after');
  throw new CompletionError(response.status, await response.text(), retryAfter === null ? {} : { 'retry-after': retryAfter });
}

export function completeCallback(client: Client, { callbackId, outputFields }: Completion): Promise<void> {
  return post(client, `/automation/v4/actions/callbacks/${encodeURIComponent(callbackId)}/complete`, completionBody(outputFields));
}

/** HubSpot's batch form; one refused input makes HubSpot refuse the whole batch. */
export function completeCallbacks(client: Client, completions: Completion[]): Promise<void> {
  return post(client, '/automation/v4/actions/callbacks/complete', {
    inputs: completions.map(({ callbackId, outputFields }) => ({ callbackId, ...completionBody(outputFields) })),
  });
}
