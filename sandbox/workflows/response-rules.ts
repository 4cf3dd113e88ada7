import { parseIsoDuration } from './iso-duration';

/**
 * HubSpot's rules for the answer to a custom action call, as a pure function of the response:
 * a 2xx body's `outputFields.hs_execution_state` decides (SUCCESS, FAIL_CONTINUE, BLOCK, ASYNC); without a
 * state a 2xx is a success. 429 and 5xx (and a call that never got an answer) are retried; any other status fails.
 */

export type ExecutionState = 'SUCCESS' | 'FAIL_CONTINUE';

export type AttemptDecision =
  | { kind: 'complete'; executionState: ExecutionState; outputFields: Record<string, string> }
  | { kind: 'block'; outputFields: Record<string, string>; expiresInMs: number }
  | { kind: 'fail'; reason: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number };

export interface AttemptResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export const DEFAULT_EXPIRATION = 'P7D';

export function decideAttempt(response: AttemptResponse, now: number): AttemptDecision {
  const { status } = response;
  if (status === 429) {
    return { kind: 'retry', reason: 'HTTP 429', retryAfterMs: parseRetryAfter(response.headers['retry-after'], now) };
  }
  if (status >= 500) return { kind: 'retry', reason: `HTTP ${status}`, retryAfterMs: parseRetryAfter(response.headers['retry-after'], now) };
  if (status < 200 || status >= 300) return { kind: 'fail', reason: `HTTP ${status}` };

  const outputFields = readOutputFields(response.body);
  const state = outputFields.hs_execution_state;
  switch (state) {
    case undefined:
    case 'SUCCESS':
      return { kind: 'complete', executionState: 'SUCCESS', outputFields };
    case 'FAIL_CONTINUE':
      return { kind: 'complete', executionState: 'FAIL_CONTINUE', outputFields };
    case 'BLOCK':
    case 'ASYNC': {
      const duration = outputFields.hs_expiration_duration ?? DEFAULT_EXPIRATION;
      try {
        return { kind: 'block', outputFields, expiresInMs: parseIsoDuration(duration) };
      } catch (error) {
        return { kind: 'fail', reason: `hs_expiration_duration: ${(error as Error).message}` };
      }
    }
    default:
      return { kind: 'fail', reason: `unknown hs_execution_state "${state}" (expected SUCCESS, FAIL_CONTINUE, BLOCK or ASYNC)` };
  }
}

/** `outputFields` of a JSON answer as strings; any other body (empty, text, not an object) has none. */
function readOutputFields(body: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  const outputFields = (parsed as { outputFields?: unknown } | null)?.outputFields;
  if (!outputFields || typeof outputFields !== 'object') return {};
  return Object.fromEntries(
    Object.entries(outputFields).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
  );
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RetryPolicy {
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** Longest wait between two attempts. */
  maxDelayMs: number;
  /** Time after the first attempt beyond which HubSpot gives up. */
  windowMs: number;
}

/** HubSpot: retried for up to three days, starting a minute after the failure, growing up to eight hours apart. */
export const HUBSPOT_RETRY_POLICY: RetryPolicy = {
  initialDelayMs: 60_000,
  maxDelayMs: 8 * 3_600_000,
  windowMs: 3 * 86_400_000,
};

/** Exponential backoff: the delay before retry number `retry` (1 for the first retry). */
export function backoffDelay(retry: number, policy: RetryPolicy): number {
  return Math.min(policy.initialDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
}
