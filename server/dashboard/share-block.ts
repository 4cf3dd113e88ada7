import { escapeHtml } from '../capture/landing-page';
import type { Translate } from './messages';

export interface ShareInput {
  link: string;
  /** The program's headline: the share message's subject. */
  headline: string;
  t: Translate;
}

/**
 * How the dashboard offers the referral link for sharing, without JavaScript: the link in a field
 * to select and copy, and an email link with the message filled in. The one place a fuller set of
 * share links (and a QR code) replaces this.
 */
export function shareBlock({ link, headline, t }: ShareInput): string {
  const message = t('dashboard.share.message', { headline, link });
  const mailto = `mailto:?subject=${encodeURIComponent(headline)}&body=${encodeURIComponent(message)}`;
  return `<label for="referral-link">${escapeHtml(t('dashboard.link.label'))}</label>
<input type="text" id="referral-link" value="${escapeHtml(link)}" readonly aria-describedby="copy-hint">
<p id="copy-hint" class="hint">${escapeHtml(t('dashboard.share.copy'))}</p>
<ul class="share"><li><a href="${escapeHtml(mailto)}">${escapeHtml(t('dashboard.share.email'))}</a></li></ul>`;
}
