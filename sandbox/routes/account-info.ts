import type { Router } from 'express';
import type { Portal } from '../portal';

/**
 * `GET /account-info/v3/details`, in the shape HubSpot's account information API documents
 * (portalId, accountType, timeZone, companyCurrency, additionalCurrencies, utcOffset,
 * utcOffsetMilliseconds, uiDomain, dataHostingLocation).
 */
export function accountInfoRoutes(router: Router, portal: Portal): void {
  router.get('/account-info/v3/details', (_req, res) => {
    const { companyCurrency, additionalCurrencies, timeZone } = portal.account;
    res.json({
      portalId: portal.portalId,
      accountType: 'STANDARD',
      timeZone,
      companyCurrency,
      additionalCurrencies,
      utcOffset: '-05:00',
      utcOffsetMilliseconds: -18_000_000,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    });
  });
}
