/**
 * Hands a new referrer their dashboard in the browser they signed up with. A sign-up form takes any
 * address, so its page must neither differ for an address that was enrolled before nor show that
 * person's dashboard: the page links to `/me` alike for everyone, and only the sign-up that created
 * the enrolment sets this cookie, which `/me` turns into the dashboard's own link.
 */
export const DASHBOARD_COOKIE = 'ro_dash';

/** HttpOnly, sent to `/me` only; 30 days, long enough to come back to from the same browser. */
export function dashboardCookie(token: string, opts: { secure: boolean }): string {
  const parts = [`${DASHBOARD_COOKIE}=${token}`, 'Path=/me', `Max-Age=${30 * 86_400}`, 'HttpOnly', 'SameSite=Lax'];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The token part of a dashboard link. */
export function tokenOf(dashboardUrl: string): string {
  return dashboardUrl.slice(dashboardUrl.lastIndexOf('/') + 1);
}
