import type { RequestHandler } from 'express';

/**
 * Headers every answer carries, also the errors.
 *
 * Referrer-Policy `strict-origin-when-cross-origin`: a redirect's policy governs the request it
 * leads to, so `/r/:code` sets the policy the landing page is fetched with. This value still lets
 * the landing page (often a HubSpot page) see which site the visitor came from, so HubSpot's traffic
 * source attribution keeps working, while no other site ever sees a path or query of ours, where
 * referral codes travel (`/r/CODE`, `?ref=CODE`). `no-referrer` or `same-origin` would turn every
 * referred visit into "direct traffic" in HubSpot's analytics.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

export const securityHeaders: RequestHandler = (_req, res, next) => {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  next();
};
