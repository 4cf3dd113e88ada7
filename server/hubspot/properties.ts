/**
 * The contact properties the product keeps on HubSpot records, in one "Referral program" group, so
 * HubSpot's own lists, workflows and reports can use them. `npm run setup` creates them.
 */
import { REFERRAL_STATUSES } from '../../src/app/packages/domain/referral-status';

export const PROPERTY_GROUP = { name: 'referral_program', label: 'Referral program', displayOrder: -1 } as const;

export interface ContactPropertyDefinition {
  name: string;
  label: string;
  type: 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';
  fieldType: 'text' | 'number' | 'date' | 'select' | 'booleancheckbox';
  description: string;
  options?: Array<{ label: string; value: string; displayOrder: number }>;
}

const option = (value: string, displayOrder: number) => ({ label: value[0]!.toUpperCase() + value.slice(1), value, displayOrder });

export const P = {
  code: 'referral_code',
  link: 'referral_link',
  dashboardLink: 'referral_dashboard_link',
  program: 'referral_program_id',
  enrolledDate: 'referral_enrolled_date',
  referredByCode: 'referred_by_code',
  referredByContact: 'referred_by_contact_id',
  status: 'referral_status',
  qualifiedDate: 'referral_qualified_date',
  referralCount: 'referral_count',
  qualifiedCount: 'referral_qualified_count',
  rewardsTotal: 'referral_rewards_total',
  pendingRewards: 'referral_rewards_pending',
  referredRevenue: 'referral_referred_revenue',
  wonDeals: 'referral_won_deals',
  flags: 'referral_flags',
} as const;

export const CONTACT_PROPERTIES: ContactPropertyDefinition[] = [
  { name: P.code, label: 'Referral code', type: 'string', fieldType: 'text', description: "This contact's own referral code." },
  { name: P.link, label: 'Referral link', type: 'string', fieldType: 'text', description: 'The link this contact shares with friends.' },
  {
    name: P.dashboardLink, label: 'Referral dashboard link', type: 'string', fieldType: 'text',
    description: "This contact's personal referral dashboard (no login): their link, friends, statuses and rewards. Send it in HubSpot emails; rotate it from the contact card to revoke it.",
  },
  { name: P.program, label: 'Referral program', type: 'string', fieldType: 'text', description: 'The program this contact refers for.' },
  { name: P.enrolledDate, label: 'Referral enrolled date', type: 'date', fieldType: 'date', description: 'When this contact became a referrer.' },
  { name: P.referredByCode, label: 'Referred by code', type: 'string', fieldType: 'text', description: 'The referral code this contact arrived with.' },
  { name: P.referredByContact, label: 'Referred by (contact id)', type: 'string', fieldType: 'text', description: 'The HubSpot id of the referrer.' },
  {
    name: P.status, label: 'Referral status', type: 'enumeration', fieldType: 'select',
    description: 'Where this referred contact stands: captured, qualified or rejected.',
    options: REFERRAL_STATUSES.map(option),
  },
  { name: P.qualifiedDate, label: 'Referral qualified date', type: 'date', fieldType: 'date', description: 'When the referral reached its milestone.' },
  { name: P.referralCount, label: 'Referrals made', type: 'number', fieldType: 'number', description: 'Friends this contact referred.' },
  { name: P.qualifiedCount, label: 'Qualified referrals', type: 'number', fieldType: 'number', description: "This contact's referrals that qualified." },
  { name: P.rewardsTotal, label: 'Referral rewards earned', type: 'number', fieldType: 'number', description: 'Approved and issued rewards, in the program currency.' },
  { name: P.pendingRewards, label: 'Referral rewards awaiting review', type: 'number', fieldType: 'number', description: 'Rewards held for review.' },
  {
    name: P.referredRevenue, label: 'Referred revenue', type: 'number', fieldType: 'number',
    description: "Closed-won amounts of the deals of this contact's referred friends, won after the referral, in the program currency.",
  },
  { name: P.wonDeals, label: 'Referred won deals', type: 'number', fieldType: 'number', description: "Closed-won deals of this contact's referred friends." },
  {
    name: P.flags, label: 'Referral risk flags', type: 'string', fieldType: 'text',
    description: 'Fraud signals raised when this contact was referred, e.g. "disposable_email; high_velocity". The contact card shows why each was raised.',
  },
];

/** The "Referred by" / "Referred" contact-to-contact association label. */
export const REFERRED_BY_LABEL = { name: 'referred_by', label: 'Referred by', inverseLabel: 'Referred' } as const;

/** HubSpot date properties take midnight UTC of the day, in milliseconds. */
export function hubspotDate(epochMs: number): string {
  const d = new Date(epochMs);
  return String(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}
