/** The first-party cookie that carries a referral code from the link to the form. */
export const REFERRAL_COOKIE = 'ro_ref';

export interface CookieOptions {
  maxAgeSeconds: number;
  secure: boolean;
}

/** HttpOnly (scripts never need it), SameSite=Lax (sent on the top-level navigation from the link). */
export function referralCookie(code: string, opts: CookieOptions): string {
  const parts = [`${REFERRAL_COOKIE}=${encodeURIComponent(code)}`, 'Path=/', `Max-Age=${opts.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax'];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The first-party cookie naming a browser with a random id, set on sign-up and on link clicks, so
 * a friend's submission from the browser the referrer signed up with can be flagged. It says
 * nothing about the person; it is erased with their visits (docs/privacy.md).
 */
export const BROWSER_COOKIE = 'ro_bid';
const BROWSER_ID = /^b_[0-9a-f]{32}$/;

export function browserCookie(id: string, opts: Pick<CookieOptions, 'secure'>): string {
  // A year: the referrer's sign-up browser must still be known when their friends arrive months later.
  const parts = [`${BROWSER_COOKIE}=${id}`, 'Path=/', `Max-Age=${365 * 86_400}`, 'HttpOnly', 'SameSite=Lax'];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The browser id the request carries, when it is one we could have set. */
export function readBrowserId(header: string | undefined): string | undefined {
  const id = readCookie(header, BROWSER_COOKIE);
  return id && BROWSER_ID.test(id) ? id : undefined;
}
