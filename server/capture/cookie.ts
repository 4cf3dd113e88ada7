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
