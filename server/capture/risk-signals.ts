import { fraudSignals } from '../../src/app/packages/domain/fraud-signals';
import type { Program } from '../../src/app/packages/domain/program';
import type { RiskSignal } from '../../src/app/packages/domain/risk-flags';
import type { Db } from '../db/database';
import type { EnrolmentRow } from '../enrolment/repository';
import { isDisposableDomain, isFreeMailDomain } from './email-domain-lists';
import type { Visitor } from './visits';

export interface SignalSubject {
  program: Program;
  enrolment: EnrolmentRow;
  friend: { email: string; normalised: string };
  referrer: { email: string; normalised: string } | undefined;
  /** Only for submissions from a browser; a server's address says nothing about the person. */
  visitor: Visitor | undefined;
}

/**
 * The risk signals of a submission about to be claimed: the evidence from the ledger's recent
 * visits (velocity, the referrer's sign-up browser and address), the decision from the domain.
 */
export async function riskSignals(db: Db, now: number, s: SignalSubject): Promise<RiskSignal[]> {
  const velocity = s.program.review.velocity;
  const since = now - velocity.windowMinutes * 60_000;
  const captures = db.selectFrom('visits').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('program_id', '=', s.program.id).where('kind', '=', 'capture').where('at', '>', since);
  const count = async (q: typeof captures) => Number((await q.executeTakeFirstOrThrow()).n) + 1;
  const fromReferrer = await count(captures.where('enrolment_id', '=', s.enrolment.id));
  let browser: { sameBrowserAsReferrer: boolean; sameIpAsReferrer: boolean } | undefined;
  let fromIp = 1;
  let fromBrowser = 1;
  if (s.visitor) {
    const { ip, browser: id } = s.visitor;
    fromIp = await count(captures.where('ip', '=', ip));
    fromBrowser = await count(captures.where('browser', '=', id));
    const signups = await db.selectFrom('visits').select(['browser', 'ip'])
      .where('enrolment_id', '=', s.enrolment.id).where('kind', '=', 'signup')
      .where((eb) => eb.or([eb('browser', '=', id), eb('ip', '=', ip)])).execute();
    browser = { sameBrowserAsReferrer: signups.some((v) => v.browser === id), sameIpAsReferrer: signups.some((v) => v.ip === ip) };
  }
  return fraudSignals({
    friend: s.friend, referrer: s.referrer, isDisposableDomain, isFreeMailDomain, browser,
    recent: { fromReferrer, fromIp, fromBrowser }, velocity,
  });
}
