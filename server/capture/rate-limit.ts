import type { RequestHandler, Response } from 'express';
import { AppError } from '../errors';
import { clientKey } from '../http/client-address';
import { secondsLeftInWindow, type WindowCounters } from '../http/window-counters';

export interface ClientLimitOptions {
  counters: WindowCounters;
  /** Names the limit; limits with different scopes count separately. */
  scope: string;
  /** Requests each client may make per minute. */
  max: number;
  clock: () => number;
}

/**
 * Per-client limit of a public endpoint, in fixed one-minute windows. The client is its address as
 * TRUST_PROXY lets Express see it, so a forged X-Forwarded-For is not a new client.
 */
export function limitPerClient(opts: ClientLimitOptions): RequestHandler {
  return async (req, res, next) => {
    const now = opts.clock();
    const [used = 0] = await opts.counters.add([`${opts.scope}:client:${clientKey(req)}`], now);
    if (used <= opts.max) return next();
    next(rateLimited(res, now, 'Too many requests from your network'));
  };
}

/** A 429 with Retry-After: when the current window ends. */
export function rateLimited(res: Response, now: number, what: string): AppError {
  const retryAfter = secondsLeftInWindow(now);
  res.setHeader('Retry-After', String(retryAfter));
  return new AppError('RATE_LIMITED', `${what}; try again in ${retryAfter} seconds`);
}
