import type { RequestHandler } from 'express';
import { AppError } from '../errors';

/**
 * PostgreSQL cannot store U+0000 in text, and no name, email, code or id a person types holds one,
 * so a NUL anywhere in a request's address or parsed body is refused here, once, before any route
 * hands it to the ledger (where it would be a 500 on PostgreSQL and a silent difference between the
 * two databases). The walk is iterative: express.json accepts nesting deep enough to overflow a
 * recursive one.
 */
export const refuseNulText: RequestHandler = (req, _res, next) => {
  if (/%00/i.test(req.originalUrl) || req.originalUrl.includes('\u0000')) return next(nulError('(address)'));
  const pending: Array<[unknown, string]> = [[req.body, '']];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [value, path] = item;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return next(nulError(path || '(root)'));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (key.includes('\u0000')) return next(nulError(childPath));
        pending.push([child, childPath]);
      }
    }
  }
  next();
};

function nulError(path: string): AppError {
  const message = 'must not contain NUL characters';
  return new AppError('VALIDATION_FAILED', `Invalid request: ${JSON.stringify(path).slice(1, -1)}: ${message}`, { issues: [{ path, message }] });
}
