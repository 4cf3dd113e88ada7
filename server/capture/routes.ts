import { Router, type Response } from 'express';
import { normaliseCode } from '../../src/app/packages/domain/codes';
import type { Program } from '../../src/app/packages/domain/program';
import type { RateLimits } from '../config';
import type { AppContext, Feature } from '../context';
import { findEnrolmentByCode } from '../enrolment/repository';
import { AppError } from '../errors';
import type { HubSpotGateway } from '../hubspot/gateway';
import { findProgram } from '../programs/repository';
import { captureReferral, type CaptureDeps } from './capture-referral';
import { REFERRAL_COOKIE, readCookie } from './cookie';
import { badLanguagePage, closedProgramPage, genericPage, landingPage } from './landing-page';
import { limitPerClient } from './rate-limit';
import { referralLink } from './referral-link';
import { ACCEPTED, acceptedPage } from './public-answer';
import { referredByTypeIdLookup } from './referred-by-type';
import { parseReferralInput, type ReferralInput } from './referral-input';
import { sendPage } from './send-page';
import { visitorOf } from './visits';
import type { EnrolmentRow } from '../enrolment/repository';
import { landingErrorMessage } from '../public-pages/form-errors';
import { formField, formLanguage, languageLinks, pageLanguage } from '../public-pages/page-language';
import { referrerNames } from '../public-pages/referrer-name';

export interface CaptureFeatureOptions {
  gateway?: (ctx: AppContext) => HubSpotGateway;
  /** Per minute; unset ones come from the configuration (RATE_LIMIT_*). */
  limits?: Partial<RateLimits>;
}

/**
 * Capture: the referral link (`/r/:code`), the landing page (`/refer/:programId`) and the
 * submission endpoint (`POST /api/referrals`: the page's form, JSON, or HubSpot form payloads).
 * All public, so each is rate limited per client IP.
 */
export function createCaptureFeature(opts: CaptureFeatureOptions = {}) {
  return (ctx: AppContext): Feature => {
    const gateway = opts.gateway?.(ctx) ?? ctx.gateway;
    const { db } = ctx.database;
    const secure = ctx.config.publicBaseUrl.startsWith('https:');

    const deps: CaptureDeps = {
      database: ctx.database, gateway, clock: ctx.clock, logger: ctx.logger, referredByTypeId: referredByTypeIdLookup(gateway),
    };

    const names = referrerNames({ gateway, clock: ctx.clock });
    const limits = { ...ctx.config.rateLimits, ...opts.limits };
    const counters = ctx.rateLimitCounters;
    const pages = limitPerClient({ counters, scope: 'capture-pages', max: limits.pageViews, clock: ctx.clock });
    const submissions = limitPerClient({ counters, scope: 'capture-submissions', max: limits.submissions, clock: ctx.clock });
    const router = Router();

    router.get('/r/:code', pages, referralLink({
      db, counters, clock: ctx.clock, secureCookie: secure,
      limits: { missesPerPrefix: limits.linkMissesPerPrefix, misses: limits.linkMisses },
    }));

    router.get('/refer', pages, (req, res) => {
      const { t } = pageLanguage(req);
      sendPage(res, 200, genericPage(t), { t });
    });

    router.get('/refer/:programId', pages, async (req, res) => {
      const program = await findProgram(db, String(req.params.programId));
      const { t, badLang } = pageLanguage(req, program?.locales);
      if (badLang) return void sendPage(res, 400, badLanguagePage(t), { t });
      if (!program) return void sendPage(res, 404, genericPage(t), { t });
      if (program.status !== 'active') return void sendPage(res, 200, closedProgramPage(program, t), { t });
      const enrolment = await enrolmentFor(program, [req.query.ref, readCookie(req.get('cookie'), REFERRAL_COOKIE)]);
      // Only a program that shows the name costs a HubSpot read.
      const referrerName = enrolment && program.pages.showReferrerName ? await names.firstName(enrolment.contact_id) : undefined;
      sendPage(res, 200, landingPage({
        program, t, code: enrolment?.code, referrerName, languages: languageLinks(req, program.locales),
      }), { t });
    });

    router.post('/api/referrals', submissions, async (req, res) => {
      const fromPage = Boolean(req.is('application/x-www-form-urlencoded'));
      let input: ReferralInput | undefined;
      try {
        input = parseReferralInput(req.body, fromPage ? 'landing_page' : 'api');
        input.code ??= readCookie(req.get('cookie'), REFERRAL_COOKIE);
        if (fromPage) input.visitor = visitorOf(req, res, secure);
        if (input.isBot) return void (await answerBot(res, fromPage, input));
        const result = await captureReferral(deps, input);
        if (fromPage) {
          const { t } = formLanguage(req, result.program.locales);
          return void sendPage(res, ACCEPTED.status, acceptedPage(result.program, t), { t });
        }
        res.status(ACCEPTED.status).json(ACCEPTED.body);
      } catch (err) {
        // The page shows what to fix beside the form, keeping what the person typed.
        const programId = input?.programId ?? formField(req.body, 'programId');
        const program = fromPage && err instanceof AppError && err.status < 500 && programId ? await findProgram(db, programId) : undefined;
        if (!program || !(err instanceof AppError)) throw err;
        const { t } = formLanguage(req, program.locales);
        const values = input ?? { email: formField(req.body, 'email'), firstName: formField(req.body, 'firstname'), lastName: formField(req.body, 'lastname') };
        sendPage(res, err.status, landingPage({
          program, t, code: input?.code ?? formField(req.body, 'code'), error: landingErrorMessage(t, err, values.email),
          values: { email: values.email, firstName: values.firstName, lastName: values.lastName },
        }), { t });
      }
    });

    /** Bots get the same answer people do, so the trap does not teach them to avoid it. */
    async function answerBot(res: Response, fromPage: boolean, input: ReferralInput) {
      ctx.logger.info({ source: input.source }, 'referral submission caught by the bot trap; ignored');
      const program = input.programId ? await findProgram(db, input.programId) : undefined;
      if (fromPage && program) {
        const { t } = formLanguage(res.req, program.locales);
        return sendPage(res, ACCEPTED.status, acceptedPage(program, t), { t });
      }
      res.status(ACCEPTED.status).json(ACCEPTED.body);
    }

    /** The enrolment of the first candidate that is an active code of this program. */
    async function enrolmentFor(program: Program, candidates: unknown[]): Promise<EnrolmentRow | undefined> {
      for (const raw of candidates) {
        const code = typeof raw === 'string' ? normaliseCode(raw) : null;
        if (!code) continue;
        const enrolment = await findEnrolmentByCode(db, code);
        if (enrolment?.program_id === program.id && enrolment.status === 'active') return enrolment;
      }
      return undefined;
    }

    return { public: router };
  };
}

export const captureFeature = createCaptureFeature();


