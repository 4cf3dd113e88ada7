import type { RequestHandler } from 'express';
import { HubSpotError } from '../crm/errors';
import { sendError } from './respond';

const missingMessage =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

/** Private-app style bearer authentication: one access token for the whole portal. */
export function bearerAuth(accessToken: () => string): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
    if (!match) return sendError(res, new HubSpotError(401, 'INVALID_AUTHENTICATION', missingMessage));
    if (match[1]!.trim() !== accessToken()) {
      return sendError(res, new HubSpotError(401, 'INVALID_AUTHENTICATION',
        'The access token provided is not valid for this portal. Check the private app access token.'));
    }
    next();
  };
}
