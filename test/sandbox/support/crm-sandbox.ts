import { Client } from '@hubspot/api-client';
import { Portal } from '../../../sandbox/portal';
import { createSandboxApp, listenSandbox, type SandboxAppOptions } from '../../../sandbox/server';

export const TOKEN = 'test-token';

/** A controllable clock: tests move time instead of sleeping. */
export function manualClock(start = Date.parse('2026-03-02T09:00:00.000Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

/**
 * Starts the sandbox on a free port and returns the official client pointed at it
 * (no client-side retries, so every answer is the sandbox's own).
 */
export async function startCrmSandbox(options: SandboxAppOptions = {}) {
  const clock = manualClock();
  const portal = options.portal ?? new Portal({ clock: options.clock ?? clock.now });
  const sandbox = createSandboxApp({ accessToken: TOKEN, env: {}, clock: clock.now, ...options, portal });
  const server = await listenSandbox(sandbox.app, 0);
  const client = new Client({ accessToken: TOKEN, basePath: server.url, numberOfApiCallRetries: 0 });
  return { ...sandbox, clock, url: server.url, client, close: server.close, clientWithToken: (token: string) =>
    new Client({ accessToken: token, basePath: server.url, numberOfApiCallRetries: 0 }) };
}

export type CrmSandbox = Awaited<ReturnType<typeof startCrmSandbox>>;

let sequence = 0;
export function buildContact(overrides: Record<string, string> = {}): Record<string, string> {
  sequence++;
  return { email: `person${sequence}@example.org`, firstname: `Person${sequence}`, lastname: 'Tester', ...overrides };
}

export function buildDeal(overrides: Record<string, string> = {}): Record<string, string> {
  sequence++;
  return { dealname: `Deal ${sequence}`, amount: '1000', pipeline: 'default', dealstage: 'appointmentscheduled', ...overrides };
}

/** The error an official-client call rejects with: `code` is the HTTP status, `body` the parsed error. */
export async function apiError(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown>; headers: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: number; body: Record<string, unknown>; headers: Record<string, string> };
  }
  throw new Error('expected the call to fail');
}
