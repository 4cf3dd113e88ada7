import qrcode from 'qrcode-generator';
import { SHARE_LINK_PLACEHOLDER, type Program } from '../../src/app/packages/domain/program';
import type { Translator } from '../i18n';
import { escapeHtml } from './layout';
import { friendReward } from './offer';
import { programWords } from './program-words';
import { SHARE_SCRIPT } from './share-script';

/**
 * Sharing a referral link: the prefilled message, a link per channel, a QR code, and the block
 * that shows them on the share page (and on any other page that offers the link for sharing).
 */

export const SHARE_CHANNELS = ['email', 'sms', 'whatsapp', 'linkedin', 'x'] as const;
export type ShareChannel = (typeof SHARE_CHANNELS)[number];

export interface ShareLink {
  channel: ShareChannel;
  href: string;
  /** Opens a web page (new window); mail and SMS open an app instead. */
  external: boolean;
}

/** The program's message (a `{link}` template validated by the program schema) with the link in place. */
export function fillShareMessage(template: string, link: string): string {
  return template.replace(SHARE_LINK_PLACEHOLDER, () => link);
}

/** What friends receive: the team's message in this language, else the catalogue's, naming the friend's reward. */
export function shareMessage(t: Translator, program: Program, link: string): string {
  const own = programWords(program, t).shareMessage;
  if (own) return fillShareMessage(own, link);
  const reward = friendReward(t, program);
  return t.t('share.message', { hasReward: reward ? 'yes' : 'no', reward: reward ?? '', link });
}

/**
 * A link per channel, each with the message prefilled. LinkedIn's share page takes only the
 * address (it reads the page for the rest); the others take the whole message, link included.
 */
export function shareLinks({ link, message, subject }: { link: string; message: string; subject: string }): ShareLink[] {
  const e = encodeURIComponent;
  return [
    { channel: 'email', href: `mailto:?subject=${e(subject)}&body=${e(message)}`, external: false },
    // `sms:?&body=` is the form both iOS and Android read without a recipient.
    { channel: 'sms', href: `sms:?&body=${e(message)}`, external: false },
    { channel: 'whatsapp', href: `https://wa.me/?text=${e(message)}`, external: true },
    { channel: 'linkedin', href: `https://www.linkedin.com/sharing/share-offsite/?url=${e(link)}`, external: true },
    { channel: 'x', href: `https://x.com/intent/post?text=${e(message)}`, external: true },
  ];
}

/** Modules of blank margin around the code, as the QR specification asks for. */
const QUIET_ZONE = 4;

/**
 * The QR code of `text` as inline SVG: one path of horizontal runs (a few KB for a referral link),
 * black on white whatever the brand colour, since scanners need the contrast. Error correction M
 * survives a smudged print at a size that still scans from a phone screen.
 */
export function qrCodeSvg(text: string, { label, id = 'share-qr', size = 176 }: { label: string; id?: string; size?: number }): string {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const count = qr.getModuleCount();
  const runs: string[] = [];
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (!qr.isDark(row, col)) continue;
      let end = col;
      while (end + 1 < count && qr.isDark(row, end + 1)) end++;
      const width = end - col + 1;
      runs.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h${width}v1h-${width}z`);
      col = end;
    }
  }
  const extent = count + 2 * QUIET_ZONE;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${extent} ${extent}" width="${size}" height="${size}" role="img" aria-labelledby="${id}-title" shape-rendering="crispEdges">`
    + `<title id="${id}-title">${escapeHtml(label)}</title><rect width="${extent}" height="${extent}" fill="#fff"/><path fill="#000" d="${runs.join('')}"/></svg>`;
}

/** Styles of the share block, for the page's `<head>`. */
export const SHARE_STYLES = `<style>
  .code { font-size: 1.25rem; letter-spacing: .05em; }
  .share-actions button[hidden] { display: none; }
  .share { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .5rem; }
  .share a { display: block; padding: .65rem; border: 2px solid #516f90; border-radius: 4px; color: #33475b; font-weight: 600; text-decoration: none; text-align: center; }
  .hidden-note { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  figure.qr { margin: 1.25rem 0 0; text-align: center; }
  figure.qr figcaption { font-size: .9rem; margin-top: .5rem; }
</style>`;

export interface ShareBlockInput {
  t: Translator;
  link: string;
  /** The referrer's code, shown under the link for people who type it. */
  code?: string | undefined;
  message: string;
  /** Email subject and the system share sheet's title. */
  subject: string;
}

/**
 * The link with copy and the system share sheet (the script in `share-script.ts`: serve the page
 * with `SHARE_PAGE_SECURITY_POLICY`), a link per channel and the QR code. Needs `SHARE_STYLES`.
 * One per page: the script finds its parts by fixed ids.
 */
export function shareBlock({ t, link, code, message, subject }: ShareBlockInput): string {
  const links = shareLinks({ link, message, subject }).map(({ channel, href, external }) => {
    const opens = external ? ` target="_blank" rel="noopener noreferrer"` : '';
    const note = external ? `<span class="hidden-note"> ${escapeHtml(t.t('share.newWindow'))}</span>` : '';
    return `<li><a href="${escapeHtml(href)}" data-channel="${channel}"${opens}>${escapeHtml(t.t(`share.${channel}`))}${note}</a></li>`;
  });
  const sheetText = message.replace(link, '').trim();
  return `
<label for="referral-link">${escapeHtml(t.t('share.linkLabel'))}</label>
<input type="text" id="referral-link" value="${escapeHtml(link)}" readonly>
${code ? `<p>${escapeHtml(t.t('share.code'))} <strong class="code">${escapeHtml(code)}</strong></p>` : ''}
<div class="share-actions">
  <button type="button" id="copy-link" hidden>${escapeHtml(t.t('share.copy'))}</button>
  <button type="button" id="share-link" hidden data-title="${escapeHtml(subject)}" data-text="${escapeHtml(sheetText)}">${escapeHtml(t.t('share.systemShare'))}</button>
</div>
<p id="share-status" role="status" aria-live="polite" data-copied="${escapeHtml(t.t('share.copied'))}" data-selected="${escapeHtml(t.t('share.selected'))}"></p>
<h2 id="share-via">${escapeHtml(t.t('share.via'))}</h2>
<ul class="share" aria-labelledby="share-via">${links.join('')}</ul>
<figure class="qr">${qrCodeSvg(link, { label: t.t('share.qr') })}<figcaption>${escapeHtml(t.t('share.qrHint'))}</figcaption></figure>
<script>${SHARE_SCRIPT}</script>`;
}
