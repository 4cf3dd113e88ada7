import { createHash } from 'node:crypto';
import { PAGE_SECURITY_POLICY } from './layout';

/**
 * The share block's only script: copy (Clipboard API; else the link is selected for the person to
 * copy) and the system share sheet (Web Share API, where the browser has one). Both buttons start
 * hidden, so without scripts the page still shows the link and every share link. The script is
 * static (it reads the link and its messages, in the page's language, from the page), so one hash
 * in the CSP allows exactly it.
 */
export const SHARE_SCRIPT = `
(function () {
  var field = document.getElementById('referral-link');
  var copy = document.getElementById('copy-link');
  var share = document.getElementById('share-link');
  var status = document.getElementById('share-status');
  function say(text) { status.textContent = text; }
  function selectLink() { field.focus(); field.setSelectionRange(0, field.value.length); }
  field.addEventListener('focus', function () { field.setSelectionRange(0, field.value.length); });
  copy.hidden = false;
  copy.addEventListener('click', function () {
    function fallback() { selectLink(); say(status.dataset.selected); }
    if (!navigator.clipboard || !window.isSecureContext) return fallback();
    navigator.clipboard.writeText(field.value).then(function () { say(status.dataset.copied); }, fallback);
  });
  if (typeof navigator.share === 'function') {
    share.hidden = false;
    share.addEventListener('click', function () {
      navigator.share({ title: share.dataset.title, text: share.dataset.text, url: field.value }).catch(function () {});
    });
  }
})();
`;

/** The public pages' policy plus this one script: for any page that shows the share block. */
export const SHARE_PAGE_SECURITY_POLICY =
  `${PAGE_SECURITY_POLICY}; script-src 'sha256-${createHash('sha256').update(SHARE_SCRIPT).digest('base64')}'`;
