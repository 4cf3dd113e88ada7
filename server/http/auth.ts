import type { RequestHandler } from 'express';
import { constantTimeEqual } from '../constant-time';
import { AppError } from '../errors';
import { signaturePolicyFor, verifySignature } from '../hubspot/signature';
import type { Actor } from '../ledger/actor';
import type { RawBodyRequest } from './raw-body';

declare module 'express-serve-static-core' {
  interface Request {
    /** Who is acting, for the audit trail; set by the auth middleware. */
    actor?: Actor;
  }
}

/** Requests that claim to come from HubSpot: signature checked before anything is read or written. */
export function requireHubSpotSignature(opts: {
  clientSecret: string | undefined;
  publicBaseUrl: string;
  clock: () => number;
  /** Refuse v2-only requests everywhere (HUBSPOT_REQUIRE_V3). */
  requireV3?: boolean;
}): RequestHandler {
  return (req, _res, next) => {
    if (!opts.clientSecret) {
      return next(new AppError('INVALID_SIGNATURE', 'HUBSPOT_CLIENT_SECRET is not configured, so HubSpot requests cannot be verified'));
    }
    const raw = (req as RawBodyRequest).rawBody;
    const check = verifySignature(
      {
        method: req.method,
        url: opts.publicBaseUrl + req.originalUrl,
        rawBody: raw ? raw.toString('utf8') : '',
        header: (name) => req.get(name),
      },
      opts.clientSecret,
      opts.clock(),
      signaturePolicyFor(req.baseUrl + req.path, opts.requireV3 ?? false),
    );
    if (!check.ok) return next(new AppError('INVALID_SIGNATURE', `Rejected: ${check.reason}`));
    req.actor = { type: 'workflow', id: null };
    next();
  };
}

/**
 * The admin API (used by the HubSpot functions and operators): a bearer key. The acting HubSpot user
 * travels in X-Referral-Ops-Actor as `hubspot-user:<id>:<email>` so decisions carry a name.
 */
export function requireAdminKey(adminKey: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (!adminKey) return next(new AppError('UNAUTHENTICATED', 'The admin API is disabled: set SERVICE_ADMIN_KEY'));
    const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!given || !constantTimeEqual(adminKey, given)) {
      return next(new AppError('UNAUTHENTICATED', 'Missing or wrong admin key (Authorization: Bearer <SERVICE_ADMIN_KEY>)'));
    }
    const actor = /^hubspot-user:([^:]+)(?::(.*))?$/.exec(req.get('x-referral-ops-actor') ?? '');
    req.actor = actor ? { type: 'hubspot_user', id: actor[2] ? `${actor[1]}:${actor[2]}` : actor[1]! } : { type: 'admin', id: null };
    next();
  };
}
