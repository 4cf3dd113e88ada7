/**
 * Risk signals attached to a referral at capture or qualification. Programs list the ones that force
 * a human review (`review.flags`); the capture side decides which apply to a referral.
 */
export const RISK_FLAGS = [
  'email_alias_of_referrer',
  'same_email_domain_as_referrer',
  'disposable_email',
  'same_ip_as_referrer',
  'high_velocity',
  'existing_contact',
] as const;

export type RiskFlag = (typeof RISK_FLAGS)[number];

export const RISK_FLAG_LABELS: Record<RiskFlag, string> = {
  email_alias_of_referrer: "Friend's email is an alias of the referrer's email",
  same_email_domain_as_referrer: "Friend's email is on the referrer's private email domain",
  disposable_email: 'Friend used a disposable email address',
  same_ip_as_referrer: 'Friend signed up from the same network address as the referrer',
  high_velocity: 'Referrer brought in unusually many friends in a short time',
  existing_contact: 'Friend already existed in HubSpot before the referral',
};

export function isRiskFlag(value: string): value is RiskFlag {
  return (RISK_FLAGS as readonly string[]).includes(value);
}
