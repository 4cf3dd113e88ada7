import { normaliseEmail, type EmailErrorCode } from '../../src/app/packages/domain/email';
import { AppError, type FieldIssue } from '../errors';
import type { MessageKey, Translator } from '../i18n';

export type PublicForm = 'landing' | 'join';

const EMAIL_MESSAGES: Record<EmailErrorCode, MessageKey> = {
  empty: 'email.empty', too_long: 'email.too_long', whitespace: 'email.whitespace', missing_at: 'email.missing_at',
  multiple_at: 'email.multiple_at', invalid_local_part: 'email.invalid_local_part', invalid_domain: 'email.invalid_domain',
};

/**
 * A form problem in the page's language. The service's errors are English sentences for API
 * clients; the page reads what went wrong from the field and the value instead (an email's
 * problem is found again from what was typed), so a new English wording cannot leak onto a
 * translated page: an issue not recognised here gets the general "please check" line.
 */
export function issueMessage(t: Translator, form: PublicForm, issue: FieldIssue, typedEmail: string | undefined): string {
  switch (issue.path) {
    case 'email': {
      if (issue.message === 'Self-referral') return t.t('landing.selfReferral');
      const email = normaliseEmail(typedEmail ?? '');
      if (email.ok) return t.t('form.invalid');
      const typed = (typedEmail ?? '').trim();
      return t.t(EMAIL_MESSAGES[email.code], { email: typed, domain: typed.slice(typed.indexOf('@') + 1) || '…' });
    }
    case 'consent': return t.t(form === 'landing' ? 'landing.consentRequired' : 'join.consentRequired');
    case 'firstname': case 'firstName': return t.t('form.firstNameTooLong');
    case 'lastname': case 'lastName': return t.t('form.lastNameTooLong');
    case 'code': return t.t(issue.message === 'Code of another program' ? 'landing.otherProgram' : 'landing.badCode');
    default: return t.t('form.invalid');
  }
}

/** The friend form's one message for a refused submission. */
export function landingErrorMessage(t: Translator, err: AppError, typedEmail: string | undefined): string {
  const issue = (err.details as { issues?: FieldIssue[] } | undefined)?.issues?.[0];
  if (issue) return issueMessage(t, 'landing', issue, typedEmail);
  return t.t(err.code === 'INVALID_STATE' ? 'closed.body' : 'form.invalid');
}
