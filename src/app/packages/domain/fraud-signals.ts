/**
 * Which risk signals a captured referral raises, from evidence the service gathered. Pure: the
 * domain lists (disposable and free-mail providers) and the counts come in as values, so each rule
 * is tested alone. Reasons never carry an address or an IP: they are shown in the contact card and
 * kept on the referral after the IP is gone.
 */
import { emailDomain } from './email';
import type { RiskSignal } from './risk-flags';

/** Per program (`review.velocity`): how many captures within `windowMinutes` are still normal. */
export interface VelocityLimits {
  windowMinutes: number;
  friendsPerReferrer: number;
  capturesPerIp: number;
  capturesPerBrowser: number;
}

export interface SignalEvidence {
  /** The friend's address as typed and normalised (email.ts). */
  friend: { email: string; normalised: string };
  /** The referrer's address as HubSpot has it now, when it has one. */
  referrer?: { email: string; normalised: string } | undefined;
  isDisposableDomain: (domain: string) => boolean;
  isFreeMailDomain: (domain: string) => boolean;
  /**
   * What the submitting browser shares with the referrer, when the submission came from a browser
   * (the landing page form): undefined for API and HubSpot form submissions, whose network address
   * is a server's.
   */
  browser?: { sameBrowserAsReferrer: boolean; sameIpAsReferrer: boolean } | undefined;
  /** Captures in the program's window, this one included. */
  recent: { fromReferrer: number; fromIp: number; fromBrowser: number };
  velocity: VelocityLimits;
}

export function fraudSignals(e: SignalEvidence): RiskSignal[] {
  const signals: RiskSignal[] = [];
  const friendDomain = emailDomain(e.friend.normalised);
  if (e.isDisposableDomain(friendDomain)) {
    signals.push({ flag: 'disposable_email', reason: `The friend's email domain ${friendDomain} is a known disposable (throwaway) email provider` });
  }
  if (e.referrer) {
    const alias = aliasRules(e.friend.email, e.referrer.email);
    if (alias.length > 0) {
      signals.push({ flag: 'email_alias_of_referrer', reason: `The friend's email differs from the referrer's only by ${alias.join(' and ')}` });
    } else if (friendDomain === emailDomain(e.referrer.normalised) && !e.isFreeMailDomain(friendDomain) && !e.isDisposableDomain(friendDomain)) {
      signals.push({ flag: 'same_email_domain_as_referrer', reason: `The friend and the referrer share the company email domain ${friendDomain}` });
    }
  }
  if (e.browser?.sameBrowserAsReferrer) {
    signals.push({ flag: 'same_browser_as_referrer', reason: 'The friend submitted from the browser the referrer signed up with' });
  }
  if (e.browser?.sameIpAsReferrer) {
    signals.push({ flag: 'same_ip_as_referrer', reason: 'The friend submitted from the network address the referrer recently used' });
  }
  const velocity = velocityReasons(e);
  if (velocity.length > 0) signals.push({ flag: 'high_velocity', reason: `Within ${windowText(e.velocity.windowMinutes)}: ${velocity.join('; ')}` });
  return signals;
}

type AliasRule = 'dots' | 'a +tag' | 'letter case';

/**
 * The rules under which two addresses on the same domain reach one mailbox name, when nothing else
 * tells them apart. Empty when they are identical or differ otherwise. Case alone makes the
 * normalised addresses equal, which capture refuses as a self-referral before this runs; here it
 * is named when it comes together with dots or a tag.
 */
export function aliasRules(friendEmail: string, referrerEmail: string): AliasRule[] {
  const split = (email: string) => {
    const at = email.lastIndexOf('@');
    return { local: email.slice(0, at), domain: email.slice(at + 1).toLowerCase() };
  };
  const f = split(friendEmail.trim());
  const r = split(referrerEmail.trim());
  if (f.domain !== r.domain || f.local === r.local) return [];
  const untag = (local: string) => (local.includes('+') ? local.slice(0, local.indexOf('+')) : local);
  const steps: Array<[AliasRule, (local: string) => string]> = [
    ['a +tag', untag], ['dots', (local) => local.replace(/\./g, '')], ['letter case', (local) => local.toLowerCase()],
  ];
  const rules: AliasRule[] = [];
  let fl = f.local;
  let rl = r.local;
  for (const [rule, apply] of steps) {
    if (fl === rl) break;
    const nf = apply(fl);
    const nr = apply(rl);
    if (nf === fl && nr === rl) continue;
    rules.push(rule);
    fl = nf;
    rl = nr;
  }
  return fl === rl ? rules : [];
}

function velocityReasons(e: SignalEvidence): string[] {
  const { recent, velocity } = e;
  const reasons: string[] = [];
  if (recent.fromReferrer > velocity.friendsPerReferrer) reasons.push(`${recent.fromReferrer} friends from this referrer (more than ${velocity.friendsPerReferrer})`);
  if (e.browser && recent.fromIp > velocity.capturesPerIp) reasons.push(`${recent.fromIp} referrals from one network address (more than ${velocity.capturesPerIp})`);
  if (e.browser && recent.fromBrowser > velocity.capturesPerBrowser) reasons.push(`${recent.fromBrowser} referrals from one browser (more than ${velocity.capturesPerBrowser})`);
  return reasons;
}

function windowText(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
