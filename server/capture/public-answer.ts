import type { Program } from '../../src/app/packages/domain/program';
import type { Translator } from '../i18n';
import { thankYouPage } from './landing-page';

/**
 * The one answer to every accepted referral submission, whether the friend is new, already a
 * contact, already referred (by anyone), already a customer, being captured by another request, or
 * a bot: anyone may type anyone's address with their own code, so the answer must tell nothing
 * about that person. What happened is in the ledger and the CRM card, for the team.
 */
export const ACCEPTED = { status: 202, body: { accepted: true } } as const;

export function acceptedPage(program: Program, t: Translator): string {
  return thankYouPage(program, t);
}
