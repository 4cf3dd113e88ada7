import { Router, type Response } from 'express';
import { z } from 'zod';
import { readCookie } from '../capture/cookie';
import { badLanguagePage } from '../capture/landing-page';
import { limitPerClient } from '../capture/rate-limit';
import { sendPage } from '../capture/send-page';
import type { AppContext, Feature } from '../context';
import { validationError } from '../errors';
import { findProgram, programOrNotFound } from '../programs/repository';
import { languageLinks, pageLanguage, requestedLocale } from '../public-pages/page-language';
import { SHARE_PAGE_SECURITY_POLICY } from '../public-pages/share-script';
import { loadDashboard } from './dashboard-data';
import { dashboardErrorPage, dashboardHandoverPage, dashboardNotFoundPage, dashboardPage } from './dashboard-page';
import { DASHBOARD_COOKIE } from './dashboard-cookie';
import { dashboardLinksFor } from './dashboard-token';
import { rotateDashboardLink } from './rotate-link';

const rotateParams = z.object({
  contactId: z.string().regex(/^\d+$/, 'must be a HubSpot record id (digits)'),
});
const rotateBody = z.strictObject({});

/**
 * Personal: never kept by a shared cache, never indexed, and the address (a credential) never sent
 * on as a Referer to the terms page, the logo's host or a share link.
 */
function personal(res: Response): void {
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('X-Robots-Tag', 'noindex');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/**
 * The referrer's dashboard (`GET /me/:token`, public, rate limited per client like the other public
 * pages) and the rotation of its link (admin API). The dashboard speaks one of its program's
 * languages, like the program's other pages; the pages that know no program (not found, failure,
 * the `/me` handover) choose among every shipped language, from the request alone.
 */
export function dashboardFeature(ctx: AppContext): Feature {
  const { db } = ctx.database;
  const links = dashboardLinksFor(ctx.config);
  // A person waits on the page: one try at HubSpot for the friends' names, then the page without them.
  const gateway = ctx.gateway.withMaxAttempts(1);
  const pages = limitPerClient({ counters: ctx.rateLimitCounters, scope: 'dashboard-pages', max: ctx.config.rateLimits.pageViews, clock: ctx.clock });

  const pub = Router();
  // The share page's link: the browser that signed up carries its dashboard in a cookie (dashboard-cookie.ts).
  pub.get('/me', pages, (req, res) => {
    personal(res);
    const token = readCookie(req.get('cookie'), DASHBOARD_COOKIE);
    if (token && links.verify(token)) {
      const lang = requestedLocale(req.query.lang);
      return void res.redirect(303, `/me/${token}${lang ? `?lang=${lang}` : ''}`);
    }
    const { t } = pageLanguage(req);
    sendPage(res, 200, dashboardHandoverPage(t), { t });
  });

  pub.get('/me/:token', pages, async (req, res) => {
    personal(res);
    // A `lang` that is no language code is not the token's fault: this page just takes the next best language.
    const notFound = () => {
      const { t } = pageLanguage(req);
      sendPage(res, 404, dashboardNotFoundPage(t), { t });
    };
    const claims = links.verify(String(req.params.token));
    if (!claims) return void notFound();
    try {
      // Past the signature every failure takes the same path: one read, one comparison, one page.
      const enrolment = await db.selectFrom('enrolments').selectAll().where('id', '=', claims.enrolmentId).executeTakeFirst();
      const current = enrolment !== undefined && enrolment.status !== 'closed' && enrolment.dashboard_token_version === claims.version;
      const program = current ? await findProgram(db, enrolment.program_id) : undefined;
      if (!current || !program) return void notFound();
      const { t, badLang } = pageLanguage(req, program.locales);
      if (badLang) return void sendPage(res, 400, badLanguagePage(t), { t });
      const model = await loadDashboard({ db, gateway, logger: ctx.logger, now: ctx.clock() }, program, enrolment);
      sendPage(res, 200, dashboardPage(model, { t, languages: languageLinks(req, program.locales) }), { t, policy: SHARE_PAGE_SECURITY_POLICY });
    } catch (err) {
      // Handled here, not by the service's error handler: that one logs the path, and this path is a credential.
      ctx.logger.error({ err, enrolment: claims.enrolmentId }, 'referrer dashboard failed');
      const { t } = pageLanguage(req);
      sendPage(res, 500, dashboardErrorPage(t), { t });
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
