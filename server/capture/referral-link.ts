import type { RequestHandler } from 'express';
import { normaliseCode } from '../../src/app/packages/domain/codes';
import type { PageLocale, Program } from '../../src/app/packages/domain/program';
import type { Db } from '../db/database';
import { findEnrolmentByCode } from '../enrolment/repository';
import type { WindowCounters } from '../http/window-counters';
import { activeProgram } from '../programs/repository';
import { requestedLocale } from '../public-pages/page-language';
import { referralCookie } from './cookie';
import { rateLimited } from './rate-limit';
import { recordVisit, visitorOf } from './visits';

export interface ReferralLinkDeps {
  db: Db;
  counters: WindowCounters;
  clock: () => number;
  /** Per minute: links whose code is not active, per code prefix and in all. */
  limits: { missesPerPrefix: number; misses: number };
  secureCookie: boolean;
}

const DAY_SECONDS = 86_400;
const ALL_MISSES = 'link-misses:all';

/**
 * The part of a code a guesser keeps while walking the rest: a vanity code's name (`ANNA` of
 * `ANNA-7K3Q`, whose 4-character suffix is the small space), a random code's first two characters.
 */
export function codePrefix(code: string): string {
  const hyphen = code.indexOf('-');
  return hyphen > 0 ? code.slice(0, hyphen) : code.slice(0, 2);
}

/**
 * `GET /r/:code`: counts the click, sets the attribution cookie and lands on the program's page.
 *
 * Guessing codes shows up as links to codes that are not active, so those misses are counted per
 * code prefix and for the whole service, across every client and (on PostgreSQL) every replica.
 * While either count is over its limit, every link of that prefix (or every link) answers 429,
 * whether its code is real or not: otherwise a hit would still tell a guesser it found a code.
 * Real links never add to these counts, so a code that goes viral is never limited by them.
 * A click row is written only for an active code of an active program.
 */
export function referralLink(deps: ReferralLinkDeps): RequestHandler {
  return async (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    const code = normaliseCode(String(req.params.code));
    // The page for dead links belongs to no program: any shipped language the link asks for.
    const deadEnd = () => {
      const lang = requestedLocale(req.query.lang);
      res.redirect(302, lang ? `/refer?lang=${lang}` : '/refer');
    };
    // A string that cannot be a code cannot be a guess at one: it costs no lookup and counts nothing.
    if (!code) return void deadEnd();
    const now = deps.clock();
    const missKeys = [`link-misses:prefix:${codePrefix(code)}`, ALL_MISSES];
    const [prefixMisses = 0, allMisses = 0] = await deps.counters.read(missKeys, now);
    if (prefixMisses >= deps.limits.missesPerPrefix || allMisses >= deps.limits.misses) {
      return next(rateLimited(res, now, 'Too many referral links with unknown codes were opened'));
    }
    const enrolment = await findEnrolmentByCode(deps.db, code);
    const program = enrolment?.status === 'active' ? await activeProgram(deps.db, enrolment.program_id) : undefined;
    if (!enrolment || !program) {
      await deps.counters.add(missKeys, now);
      return void deadEnd();
    }
    await deps.db.insertInto('clicks').values({ program_id: program.id, enrolment_id: enrolment.id, code, at: now }).execute();
    res.append('Set-Cookie', referralCookie(code, { maxAgeSeconds: program.capture.attributionWindowDays * DAY_SECONDS, secure: deps.secureCookie }));
    const visitor = visitorOf(req, res, deps.secureCookie);
    await recordVisit(deps.db, { program_id: program.id, enrolment_id: enrolment.id, kind: 'click', ...visitor, at: now });
    res.redirect(302, landingUrl(program, code, requestedLocale(req.query.lang, program.locales)));
  };
}

/**
 * A landing page hosted elsewhere cannot read our cookie, so the code travels in its address too.
 * The link's `?lang=` (one of the program's languages) goes on to our own landing page only: a
 * team's page has its own way of choosing a language, and its own use for its parameters.
 */
export function landingUrl(program: Program, code: string, lang?: PageLocale): string {
  if (!program.enrolment.landingUrl) return `/refer/${encodeURIComponent(program.id)}${lang ? `?lang=${lang}` : ''}`;
  const url = new URL(program.enrolment.landingUrl);
  url.searchParams.set('ref', code);
  return url.toString();
}
