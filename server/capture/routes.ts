import { Router, type Response } from 'express';
import { normaliseCode } from '../../src/domain/codes';
import type { Program } from '../../src/domain/program';
import type { AppContext, Feature } from '../context';
import { findEnrolmentByCode } from '../enrolment/repository';
import { AppError } from '../errors';
import { TIER_LIMITS, sharedGateway, type HubSpotGateway } from '../hubspot/gateway';
import { findProgram } from '../programs/repository';
import { captureReferral, type CaptureDeps } from './capture-referral';
import { ACCEPTED, acceptedPage } from './public-answer';
import { referredByTypeIdLookup } from './referred-by-type';
import { REFERRAL_COOKIE, readCookie, referralCookie } from './cookie';
import { PAGE_SECURITY_POLICY, closedProgramPage, genericPage, landingPage } from './landing-page';
import { fixedWindowLimit } from './rate-limit';
import { parseReferralInput, type ReferralInput } from './referral-input';

export interface CaptureFeatureOptions {
  gateway?: (ctx: AppContext) => HubSpotGateway;
  /** Per client IP and minute. */
  limits?: { pageViews?: number; submissions?: number };
}

const MINUTE = 60_000;
const DAY_SECONDS = 86_400;

/**
 * Capture: the referral link (`/r/:code`), the landing page (`/refer/:programId`) and the
 * submission endpoint (`POST /api/referrals`: the page's form, JSON, or HubSpot form payloads).
 * All public, so each is rate limited per client IP.
 */
export function createCaptureFeature(opts: CaptureFeatureOptions = {}) {
  return (ctx: AppContext): Feature => {
    const gateway = opts.gateway?.(ctx) ?? sharedGateway(ctx.hubspot, { limits: TIER_LIMITS.professional, logger: ctx.logger });
    const { db } = ctx.database;
    const secure = ctx.config.publicBaseUrl.startsWith('https:');

    const deps: CaptureDeps = {
      database: ctx.database, gateway, clock: ctx.clock, logger: ctx.logger, referredByTypeId: referredByTypeIdLookup(gateway),
    };

    const pages = fixedWindowLimit({ max: opts.limits?.pageViews ?? 120, windowMs: MINUTE, clock: ctx.clock });
    const submissions = fixedWindowLimit({ max: opts.limits?.submissions ?? 20, windowMs: MINUTE, clock: ctx.clock });
    const router = Router();

    router.get('/r/:code', pages, async (req, res) => {
      const raw = String(req.params.code);
      const code = normaliseCode(raw);
      const enrolment = code ? await findEnrolmentByCode(db, code) : undefined;
      const program = enrolment ? await findProgram(db, enrolment.program_id) : undefined;
      await db.insertInto('clicks').values({
        program_id: program?.id ?? null, enrolment_id: enrolment?.id ?? null, code: (code ?? raw).slice(0, 64), at: ctx.clock(),
      }).execute();
      res.setHeader('Cache-Control', 'no-store');
      if (!code || !enrolment || enrolment.status !== 'active' || !program || program.status !== 'active') {
        return void res.redirect(302, '/refer');
      }
      res.setHeader('Set-Cookie', referralCookie(code, { maxAgeSeconds: program.capture.attributionWindowDays * DAY_SECONDS, secure }));
      res.redirect(302, landingUrl(program, code));
    });

    router.get('/refer', pages, (_req, res) => {
      sendPage(res, 200, genericPage());
    });

    router.get('/refer/:programId', pages, async (req, res) => {
      const program = await findProgram(db, String(req.params.programId));
      if (!program) return void sendPage(res, 404, genericPage());
      if (program.status !== 'active') return void sendPage(res, 200, closedProgramPage(program));
      sendPage(res, 200, landingPage({ program, code: await codeFor(program, [req.query.ref, readCookie(req.get('cookie'), REFERRAL_COOKIE)]) }));
    });

    router.post('/api/referrals', submissions, async (req, res) => {
      const fromPage = Boolean(req.is('application/x-www-form-urlencoded'));
      let input: ReferralInput | undefined;
      try {
        input = parseReferralInput(req.body, fromPage ? 'landing_page' : 'api');
        input.code ??= readCookie(req.get('cookie'), REFERRAL_COOKIE);
        if (input.isBot) return void (await answerBot(res, fromPage, input));
        const result = await captureReferral(deps, input);
        if (fromPage) return void sendPage(res, ACCEPTED.status, acceptedPage(result.program));
        res.status(ACCEPTED.status).json(ACCEPTED.body);
      } catch (err) {
        // The page shows what to fix beside the form, keeping what the person typed.
        const program = fromPage && err instanceof AppError && err.status < 500 && input?.programId ? await findProgram(db, input.programId) : undefined;
        if (!program || !(err instanceof AppError)) throw err;
        sendPage(res, err.status, landingPage({
          program, code: input?.code, error: err.message,
          values: { email: input?.email, firstName: input?.firstName, lastName: input?.lastName },
        }));
      }
    });

    /** Bots get the same answer people do, so the trap does not teach them to avoid it. */
    async function answerBot(res: Response, fromPage: boolean, input: ReferralInput) {
      ctx.logger.info({ source: input.source }, 'referral submission caught by the bot trap; ignored');
      const program = input.programId ? await findProgram(db, input.programId) : undefined;
      if (fromPage && program) return sendPage(res, ACCEPTED.status, acceptedPage(program));
      res.status(ACCEPTED.status).json(ACCEPTED.body);
    }

    /** The first candidate that is an active code of this program. */
    async function codeFor(program: Program, candidates: unknown[]): Promise<string | undefined> {
      for (const raw of candidates) {
        const code = typeof raw === 'string' ? normaliseCode(raw) : null;
        if (!code) continue;
        const enrolment = await findEnrolmentByCode(db, code);
        if (enrolment?.program_id === program.id && enrolment.status === 'active') return code;
      }
      return undefined;
    }

    return { public: router };
  };
}

export const captureFeature = createCaptureFeature();

/** A landing page hosted elsewhere cannot read our cookie, so the code travels in its address too. */
function landingUrl(program: Program, code: string): string {
  if (!program.enrolment.landingUrl) return `/refer/${encodeURIComponent(program.id)}`;
  const url = new URL(program.enrolment.landingUrl);
  url.searchParams.set('ref', code);
  return url.toString();
}

/** Sends a public page with its Content-Security-Policy (by default: no scripts at all). */
export function sendPage(res: Response, status: number, body: string, policy = PAGE_SECURITY_POLICY) {
  res.status(status).setHeader('Content-Security-Policy', policy).type('html').send(body);
}

