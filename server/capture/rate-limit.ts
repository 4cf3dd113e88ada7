import type { RequestHandler } from 'express';
import { AppError } from '../errors';

export interface FixedWindowOptions {
  /** Requests each client may make per window. */
  max: number;
  windowMs: number;
  clock: () => number;
}

/**
 * Per-client-IP limiter for the public endpoints: a fixed window counted in this process's memory.
 * Enough for one process; with several replicas each allows `max`, so put a shared limiter (or the
 * load balancer's) in front when scaling out. Client IPs come from `req.ip` (the app trusts the proxy).
 */
export function fixedWindowLimit(opts: FixedWindowOptions): RequestHandler {
  let windowStart = 0;
  let counts = new Map<string, number>();
  return (req, res, next) => {
    const now = opts.clock();
    // A new window drops every old count at once, so memory stays bounded by one window's clients.
    if (now - windowStart >= opts.windowMs) {
      windowStart = now;
      counts = new Map();
    }
    const key = req.ip ?? 'unknown';
    const used = (counts.get(key) ?? 0) + 1;
    counts.set(key, used);
    if (used <= opts.max) return next();
    const retryAfter = Math.max(1, Math.ceil((windowStart + opts.windowMs - now) / 1000));
    res.setHeader('Retry-After', String(retryAfter));
    next(new AppError('RATE_LIMITED', `Too many requests from your network; try again in ${retryAfter} seconds`));
  };
}
