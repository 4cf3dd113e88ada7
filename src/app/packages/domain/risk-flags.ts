/**
 * Risk signals attached to a referral at capture. Programs list the ones that force a human review
 * (`review.flags`); `fraud-signals.ts` decides which apply to a referral, each with the reason a
 * reviewer reads.
 */
export const RISK_FLAGS = [
  'email_alias_of_referrer',
  'same_email_domain_as_referrer',
  'disposable_email',
  'same_ip_as_referrer',
  'same_browser_as_referrer',
  'high_velocity',
  'existing_contact',
] as const;

export type RiskFlag = (typeof RISK_FLAGS)[number];

export const RISK_FLAG_LABELS: Record<RiskFlag, string> = {
  email_alias_of_referrer: "Friend's email is an alias of the referrer's email",
  same_email_domain_as_referrer: "Friend's email is on the referrer's company email domain",
  disposable_email: 'Friend used a disposable email address',
  same_ip_as_referrer: 'Friend signed up from the same network address as the referrer',
  same_browser_as_referrer: 'Friend signed up from the browser the referrer signed up with',
  high_velocity: 'Unusually many referrals from one referrer, network address or browser in a short time',
  existing_contact: 'Friend already existed in HubSpot before the referral',
};

/** A flag and why it applies to this referral, in words a reviewer acts on (never an address or IP). */
export interface RiskSignal {
  flag: RiskFlag;
  reason: string;
}

export function isRiskFlag(value: string): value is RiskFlag {
  return (RISK_FLAGS as readonly string[]).includes(value);
}
