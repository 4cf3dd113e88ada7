import { Router } from 'express';
import { z } from 'zod';
import { readCookie } from '../capture/cookie';
import { limitPerClient } from '../capture/rate-limit';
import { sendPage } from '../capture/send-page';
import type { AppContext, Feature } from '../context';
import { validationError } from '../errors';
import { findProgram, programOrNotFound } from '../programs/repository';
import { loadDashboard } from './dashboard-data';
import { dashboardErrorPage, dashboardHandoverPage, dashboardNotFoundPage, dashboardPage } from './dashboard-page';
import { DASHBOARD_COOKIE } from './dashboard-cookie';
import { dashboardLinksFor } from './dashboard-token';
import { dashboardTranslator } from './messages';
import { rotateDashboardLink } from './rotate-link';

const rotateParams = z.object({
  contactId: z.string().regex(/^\d+$/, 'must be a HubSpot record id (digits)'),
});
const rotateBody = z.strictObject({});

/**
 * The referrer's dashboard (`GET /me/:token`, public, rate limited per client like the other public
 * pages) and the rotation of its link (admin API).
 */
export function dashboardFeature(ctx: AppContext): Feature {
  const { db } = ctx.database;
  const links = dashboardLinksFor(ctx.config);
  // A person waits on the page: one try at HubSpot for the friends' names, then the page without them.
  const gateway = ctx.gateway.withMaxAttempts(1);
  const pages = limitPerClient({ counters: ctx.rateLimitCounters, scope: 'dashboard-pages', max: ctx.config.rateLimits.pageViews, clock: ctx.clock });
  // The catalogue's language until the page negotiates one (Accept-Language, ?lang=).
  const locale = 'en';
  const t = dashboardTranslator(locale);

  const pub = Router();
  // The share page's link: the browser that signed up carries its dashboard in a cookie (dashboard-cookie.ts).
  pub.get('/me', pages, (req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Robots-Tag', 'noindex');
    const token = readCookie(req.get('cookie'), DASHBOARD_COOKIE);
    if (token && links.verify(token)) return void res.redirect(303, `/me/${token}`);
    sendPage(res, 200, dashboardHandoverPage(t));
  });

  pub.get('/me/:token', pages, async (req, res) => {
    // Personal: never kept by a shared cache, never indexed.
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Robots-Tag', 'noindex');
    const claims = links.verify(String(req.params.token));
    if (!claims) return void sendPage(res, 404, dashboardNotFoundPage(t));
    try {
      // Past the signature every failure takes the same path: one read, one comparison, one page.
      const enrolment = await db.selectFrom('enrolments').selectAll().where('id', '=', claims.enrolmentId).executeTakeFirst();
      const current = enrolment !== undefined && enrolment.status !== 'closed' && enrolment.dashboard_token_version === claims.version;
      const program = current ? await findProgram(db, enrolment.program_id) : undefined;
      if (!current || !program) return void sendPage(res, 404, dashboardNotFoundPage(t));
      const model = await loadDashboard({ db, gateway, logger: ctx.logger, now: ctx.clock() }, program, enrolment);
      sendPage(res, 200, dashboardPage(model, { t, locale }));
    } catch (err) {
      // Handled here, not by the service's error handler: that one logs the path, and this path is a credential.
      ctx.logger.error({ err, enrolment: claims.enrolmentId }, 'referrer dashboard failed');
      sendPage(res, 500, dashboardErrorPage(t));
    }
  });

  const admin = Router();
  admin.post('/programs/:id/enrolments/:contactId/dashboard-link', async (req, res) => {
    const params = rotateParams.safeParse(req.params);
    if (!params.success) throw validationError(params.error, 'contact');
    const body = rotateBody.safeParse(req.body ?? {});
    if (!body.success) throw validationError(body.error, 'rotation (send {} or no body)');
    const program = await programOrNotFound(db, String(req.params.id));
    const rotated = await rotateDashboardLink(db, program.id, params.data.contactId, req.actor ?? { type: 'admin', id: null }, ctx.clock());
    const dashboardLink = links.urlFor({ id: rotated.enrolmentId, dashboard_token_version: rotated.version }) ?? null;
    res.json({ dashboardLink });
  });

  return { public: pub, admin };
}
