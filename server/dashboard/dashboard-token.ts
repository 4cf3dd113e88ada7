import { createHmac } from 'node:crypto';
import type { Config } from '../config';
import { constantTimeEqual } from '../constant-time';

/**
 * The referrer's dashboard link, `/me/<token>`: no login, so the token is the credential. It names
 * the enrolment and its token version, signed with a key kept outside the database: nobody can make
 * a token for another enrolment, and rotating (raising the version in the ledger) revokes every
 * link signed before. A token is `<enrolment id>.<version>.<signature>`.
 */
export interface DashboardTokenClaims {
  enrolmentId: string;
  version: number;
}

/** Enrolment ids are `enr_<hex>`; the pattern is loose enough for any id the ledger holds, and nothing else. */
const TOKEN = /^([A-Za-z0-9_-]{1,64})\.([1-9][0-9]{0,8})\.([A-Za-z0-9_-]{43})$/;

export interface DashboardLinks {
  /** The link of this enrolment at this version; undefined when no key is configured. */
  urlFor(enrolment: { id: string; dashboard_token_version: number }): string | undefined;
  /** The claims of a well-formed token whose signature is right; undefined for anything else. */
  verify(token: string): DashboardTokenClaims | undefined;
}

export interface DashboardLinkConfig extends Pick<Config, 'dashboardKey' | 'publicBaseUrl'> {
  hubspot: Pick<Config['hubspot'], 'clientSecret'>;
}

function signature(key: Buffer, enrolmentId: string, version: number): string {
  return createHmac('sha256', key).update(`dashboard:${enrolmentId}.${version}`).digest('base64url');
}

/**
 * DASHBOARD_LINK_KEY when set; otherwise derived from the app's client secret, like the privacy
 * pseudonyms' key. Either way the signing key is an HMAC of the secret, so a link reveals nothing
 * about it. Changing the secret changes every link: run a rotation for the links HubSpot holds.
 */
export function dashboardLinksFor(config: DashboardLinkConfig): DashboardLinks {
  const secret = config.dashboardKey ?? config.hubspot.clientSecret;
  const key = secret ? createHmac('sha256', secret).update('referral-ops dashboard links').digest() : undefined;
  return {
    urlFor(enrolment) {
      if (!key) return undefined;
      const token = `${enrolment.id}.${enrolment.dashboard_token_version}.${signature(key, enrolment.id, enrolment.dashboard_token_version)}`;
      return `${config.publicBaseUrl}/me/${token}`;
    },
    verify(token) {
      const parts = TOKEN.exec(token);
      if (!key || !parts) return undefined;
      const [, enrolmentId = '', versionText = '', given = ''] = parts;
      const version = Number(versionText);
      return constantTimeEqual(signature(key, enrolmentId, version), given) ? { enrolmentId, version } : undefined;
    },
  };
}
