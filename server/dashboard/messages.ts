/**
 * Every string the referrer's dashboard shows, in English, in ICU MessageFormat syntax. The view
 * never holds text of its own: it calls `t(key, values)`, so a translated catalogue (or an i18n
 * library's formatter) replaces this one in one place, `dashboardTranslator` below.
 */
export const DASHBOARD_MESSAGES_EN = {
  'dashboard.title': 'Your referral dashboard',
  'dashboard.heading': 'Your referrals',
  'dashboard.intro': 'Share your link with friends. Here you see how far each of them got and what you have earned.',
  'dashboard.private': 'This page is personal: anyone with its address can see it. Share your referral link, never this page.',
  'dashboard.link.heading': 'Your link',
  'dashboard.link.label': 'Your referral link',
  'dashboard.link.code': 'Your code: {code}',
  'dashboard.share.copy': 'To copy the link, select it in the field above.',
  'dashboard.share.email': 'Share by email',
  'dashboard.share.message': '{headline}: {link}',
  'dashboard.activity.heading': 'Activity',
  'dashboard.clicks': 'Clicks on your link',
  'dashboard.referred': 'Friends referred',
  'dashboard.qualified': 'Friends qualified',
  'dashboard.rewards.heading': 'Your rewards',
  'dashboard.rewards.none': 'No rewards yet.',
  'dashboard.rewards.pending': 'Pending',
  'dashboard.rewards.approved': 'Approved',
  'dashboard.rewards.issued': 'Issued',
  'dashboard.rewards.pendingHint': 'Pending rewards are being checked, or held until the program’s hold period ends.',
  'dashboard.progress.heading': 'Progress',
  'dashboard.progress.tier': '{remaining, plural, one {# more qualified friend} other {# more qualified friends}} to your next bonus of {bonus}.',
  'dashboard.progress.tierLabel': 'Qualified friends towards your next bonus',
  'dashboard.progress.tiersDone': 'You have reached every bonus tier of this program.',
  'dashboard.progress.cap': 'Rewards earned: {count} of at most {cap}.',
  'dashboard.progress.capLabel': 'Rewards earned towards the program’s limit',
  'dashboard.progress.capReached': 'You have reached the program’s limit of {cap, plural, one {# reward} other {# rewards}}. Friends you refer still count, without a reward.',
  'dashboard.progress.monthCap': 'Rewards this month: {count} of at most {cap}.',
  'dashboard.progress.monthCapLabel': 'Rewards this month towards the monthly limit',
  'dashboard.progress.monthCapReached': 'You have reached this month’s limit of {cap, plural, one {# reward} other {# rewards}}. New rewards start again next month.',
  'dashboard.progress.none': 'This program has no bonus tiers or limits: every qualified friend earns the same reward.',
  'dashboard.friends.heading': 'Your friends',
  'dashboard.friends.none': 'No friends have signed up with your link yet.',
  'dashboard.friends.more': 'The {count, plural, one {# earlier friend is} other {# earlier friends are}} not listed here.',
  'dashboard.friends.name': 'Friend',
  'dashboard.friends.referredOn': 'Referred on',
  'dashboard.friends.status': 'Status',
  'dashboard.friends.reward': 'Your reward',
  'dashboard.friends.unnamed': 'A friend',
  'dashboard.status.captured': 'Captured',
  'dashboard.status.qualified': 'Qualified',
  'dashboard.status.rejected': 'Rejected',
  'dashboard.reason.awaitingMilestone': 'Awaiting the milestone: they signed up and qualify once they reach the program’s goal.',
  'dashboard.reason.qualified': 'They reached the program’s milestone.',
  'dashboard.reason.existingCustomer': 'Rejected because the friend was a customer before the referral.',
  'dashboard.reason.existingDeal': 'Rejected because the friend had a closed-won deal before the referral.',
  'dashboard.reason.selfReferral': 'Rejected because the referrer referred themselves.',
  'dashboard.reason.outsideWindow': 'Rejected because the milestone came after the program’s qualification window.',
  'dashboard.reason.existingContact': 'Rejected because the friend already existed as a contact and the program does not reward existing contacts.',
  'dashboard.reason.review': 'Rejected because a reviewer did not approve the reward.',
  'dashboard.reason.other': 'Rejected because it does not meet the program’s terms.',
  'dashboard.reward.none': 'None',
  'dashboard.reward.pending': '{amount}, pending',
  'dashboard.reward.approved': '{amount}, approved',
  'dashboard.reward.issued': '{amount}, issued',
  'dashboard.notFound.title': 'Page not found',
  'dashboard.notFound.heading': 'This page does not exist',
  'dashboard.notFound.body': 'The address may be mistyped or no longer in use. Ask the program team for your current dashboard link.',
  'dashboard.handover.title': 'Your referral dashboard',
  'dashboard.handover.heading': 'Open your dashboard from your email',
  'dashboard.handover.body': 'Your personal dashboard link comes with the program’s emails. This browser has no dashboard to open.',
  'dashboard.error.title': 'Something went wrong',
  'dashboard.error.heading': 'Your dashboard could not be shown just now',
  'dashboard.error.body': 'Please try again in a minute.',
} as const;

export type DashboardMessageKey = keyof typeof DASHBOARD_MESSAGES_EN;
export type MessageValues = Record<string, string | number>;
/** What the view renders text with; the returned text is not escaped (the view escapes it). */
export type Translate = (key: DashboardMessageKey, values?: MessageValues) => string;

/**
 * The part of ICU MessageFormat the catalogue uses: `{name}` arguments and
 * `{name, plural, =n {…} one {…} other {…}}` with `#`, plural categories from Intl.PluralRules. A
 * catalogue a full ICU formatter reads the same way.
 */
export function formatMessage(pattern: string, values: MessageValues, locale: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const open = pattern.indexOf('{', i);
    if (open < 0) return out + pattern.slice(i);
    out += pattern.slice(i, open);
    const close = matchingBrace(pattern, open);
    out += formatArgument(pattern.slice(open + 1, close), values, locale);
    i = close + 1;
  }
  return out;
}

function matchingBrace(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '{') depth++;
    else if (pattern[i] === '}' && --depth === 0) return i;
  }
  throw new Error(`Unbalanced braces in message "${pattern}"`);
}

function formatArgument(argument: string, values: MessageValues, locale: string): string {
  const [name = '', type, ...rest] = argument.split(',');
  const value = values[name.trim()];
  if (value === undefined) throw new Error(`Message argument "${name.trim()}" has no value`);
  if (type === undefined) return String(value);
  if (type.trim() !== 'plural') throw new Error(`Message argument type "${type.trim()}" is not supported`);
  const n = Number(value);
  const options = pluralOptions(rest.join(','));
  const chosen = options.get(`=${n}`) ?? options.get(new Intl.PluralRules(locale).select(n)) ?? options.get('other');
  if (chosen === undefined) throw new Error(`Plural "${name.trim()}" has no "other" case`);
  return formatMessage(chosen.replaceAll('#', new Intl.NumberFormat(locale).format(n)), values, locale);
}

function pluralOptions(body: string): Map<string, string> {
  const options = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const open = body.indexOf('{', i);
    if (open < 0) break;
    const selector = body.slice(i, open).trim();
    const close = matchingBrace(body, open);
    options.set(selector, body.slice(open + 1, close));
    i = close + 1;
  }
  return options;
}

/** The dashboard's `t`: the English catalogue today; the one place a translated catalogue plugs in. */
export function dashboardTranslator(locale = 'en', messages: Record<DashboardMessageKey, string> = DASHBOARD_MESSAGES_EN): Translate {
  return (key, values = {}) => formatMessage(messages[key], values, locale);
}
