import type { RequestHandler } from 'express';
import { AppError } from '../errors';

export const JSON_BODY = 'application/json';
export const FORM_BODY = 'application/x-www-form-urlencoded';

/**
 * Refuses a body of any other type with 415 before anything reads it. Without this a body the
 * parsers skip reaches a handler as "no body": `{"dryRun":true}` sent as text/plain would start a
 * real run with the defaults, and a signed endpoint would check its signature over an empty body
 * while the bytes that were sent go unread. Requests without a body pass.
 */
export function acceptBodies(types: string[], where = 'This endpoint'): RequestHandler {
  return (req, _res, next) => {
    // `req.is` answers null when there is no body at all, false when its type is not listed. An
    // empty body (what fetch sends for a bodiless POST: Content-Length 0) carries nothing to bind.
    const empty = req.get('content-length') === '0' && req.get('transfer-encoding') === undefined;
    if (empty || req.is(types) !== false) return next();
    const given = req.get('content-type') ?? 'no Content-Type';
    next(new AppError('UNSUPPORTED_MEDIA_TYPE', `${where} reads ${types.join(' or ')} bodies, not ${given}`, { accepted: types }));
  };
}
