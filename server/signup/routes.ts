import { Router, type Request, type Response } from 'express';
import { limitPerClient } from '../capture/rate-limit';
import { sendPage } from '../capture/send-page';
import { visitorOf } from '../capture/visits';
import type { RateLimits } from '../config';
import type { AppContext, Feature } from '../context';
import { dashboardCookie, tokenOf } from '../dashboard/dashboard-cookie';
import { dashboardLinksFor } from '../dashboard/dashboard-token';
import { AppError, type FieldIssue } from '../errors';
import type { HubSpotGateway } from '../hubspot/gateway';
import { findProgram } from '../programs/repository';
import { SHARE_PAGE_SECURITY_POLICY } from '../public-pages/share-script';
import { formLanguage, languageLinks, pageLanguage } from '../public-pages/page-language';
import { badLanguagePage } from '../capture/landing-page';
import { PAGE_LOCALES, type Program } from '../../src/app/packages/domain/program';
import { SIGNED_UP_STATUS, signUp, signupRefusal, signupView, type SignupDeps } from './sign-up';
import { parseSignupInput, signupFormValues } from './signup-input';
import { joinPage, signedUpPage, signupClosedPage, signupReceivedPage, unknownProgramPage } from './signup-pages';

export interface SignupFeatureOptions {
  gateway?: (ctx: AppContext) => HubSpotGateway;
  /** Per client and minute; unset ones come from the configuration (RATE_LIMIT_*). */
  limits?: Partial<Pick<RateLimits, 'pageViews' | 'submissions'>>;
}

/**
 * Self sign-up of referrers: the join page (`/join/:programId`) and `POST /api/signups` (its form
 * or JSON). Public, so both are rate limited per client IP and the form carries the bot trap.
 */
export function createSignupFeature(opts: SignupFeatureOptions = {}) {
  return (ctx: AppContext): Feature => {
    const gateway = opts.gateway?.(ctx) ?? ctx.gateway;
    const dashboardLinks = dashboardLinksFor(ctx.config);
    const deps: SignupDeps = { database: ctx.database, gateway, clock: ctx.clock, publicBaseUrl: ctx.config.publicBaseUrl, dashboardLinks, logger: ctx.logger };
    const { db } = ctx.database;
    const limits = { ...ctx.config.rateLimits, ...opts.limits };
    const counters = ctx.rateLimitCounters;
    const pages = limitPerClient({ counters, scope: 'signup-pages', max: limits.pageViews, clock: ctx.clock });
    const submissions = limitPerClient({ counters, scope: 'signup-submissions', max: limits.submissions, clock: ctx.clock });
    const router = Router();

    router.get('/join/:programId', pages, async (req, res) => {
      const program = await findProgram(db, String(req.params.programId));
      const { t, badLang } = pageLanguage(req, program?.locales);
      if (badLang) return void sendPage(res, 400, badLanguagePage(t), { t });
      if (!program) return void sendPage(res, 404, unknownProgramPage(t), { t });
      const refused = signupRefusal(program);
      if (refused) return void sendPage(res, refused.status, closedPage(program, refused, t), { t });
      sendPage(res, 200, joinPage({ program, t, languages: languageLinks(req, program.locales) }), { t });
    });

    router.post('/api/signups', submissions, async (req, res) => {
      const fromPage = Boolean(req.is('application/x-www-form-urlencoded'));
      try {
        const input = parseSignupInput(req.body);
        const program = await findProgram(db, input.programId);
        if (!program) throw unknownProgram(input.programId);
        const { t } = formLanguage(req, program.locales);
        if (input.isBot) {
          ctx.logger.info({ program: program.id }, 'sign-up caught by the bot trap; ignored');
          // Bots get the answer people get, so the trap does not teach them to avoid it.
          return void (fromPage ? sendPage(res, 201, signupReceivedPage(program, t), { t }) : res.status(202).json({ accepted: true }));
        }
        // A sign-up by API is a server's: only a browser (the join page) gets a browser id and is recorded.
        const result = await signUp(deps, program, input, fromPage ? visitorOf(req, res, ctx.config.publicBaseUrl.startsWith('https:')) : undefined);
        if (fromPage) {
          // Anyone may type anyone's address: the page is the same for all, the dashboard only for the sign-up that made the enrolment.
          // Undefined when the service has no key to sign dashboard links with.
          const dashboard = dashboardLinks.urlFor(result.enrolment);
          if (dashboard && result.status === 'enrolled') res.append('Set-Cookie', dashboardCookie(tokenOf(dashboard), { secure: ctx.config.publicBaseUrl.startsWith('https:') }));
          // In the language of this page, which the form carried: the dashboard follows it.
          const dashboardUrl = dashboard ? `${ctx.config.publicBaseUrl}/me?lang=${t.locale}` : undefined;
          return void sendPage(res, SIGNED_UP_STATUS, signedUpPage({ ...result, dashboardUrl, t }), { t, policy: SHARE_PAGE_SECURITY_POLICY });
        }
        res.status(SIGNED_UP_STATUS).json({ signup: signupView(result) });
      } catch (err) {
        if (!fromPage) throw err;
        await answerPage(req, res, err);
      }
    });

    /** A person gets the form back with what they typed and each problem beside its field. */
    async function answerPage(req: Request, res: Response, err: unknown) {
      const values = signupFormValues(req.body);
      const program = values.programId ? await findProgram(db, values.programId) : undefined;
      const { t } = formLanguage(req, program?.locales ?? PAGE_LOCALES);
      if (!program) return sendPage(res, 404, unknownProgramPage(t), { t });
      const refused = signupRefusal(program);
      if (refused) return sendPage(res, refused.status, closedPage(program, refused, t), { t });
      if (err instanceof AppError && err.status < 500) {
        const problems = formProblems(err);
        // A refusal that names no field (e.g. a HubSpot rule) is the service's English sentence: the page says "please check" instead.
        return sendPage(res, err.status, joinPage({ program, t, values, ...('issues' in problems ? problems : { error: t.t('form.invalid') }) }), { t });
      }
      ctx.logger.error({ err, program: program.id }, 'sign-up failed');
      const status = err instanceof AppError ? err.status : 500;
      sendPage(res, status, joinPage({ program, t, values, error: t.t('join.unavailable') }), { t });
    }

    return { public: router };
  };
}

export const signupFeature = createSignupFeature();

function unknownProgram(id: string) {
  return new AppError('NOT_FOUND', `No referral program "${id}"`, { issues: [{ path: 'programId', message: 'Unknown program' }] });
}

function closedPage(program: Program, refused: AppError, t: Parameters<typeof signupClosedPage>[1]) {
  return signupClosedPage(program, t, refused.code === 'FORBIDDEN' ? 'not_open' : 'paused');
}

function formProblems(err: AppError): { issues: FieldIssue[] } | { error: string } {
  const issues = (err.details as { issues?: FieldIssue[] } | undefined)?.issues;
  return issues?.length ? { issues } : { error: err.message };
}
