/**
 * A referral program's configuration: one zod schema shared by the service (parses PUT bodies and
 * stored rows) and the HubSpot settings page (shows each issue beside its field, keyed by `path`).
 * Reference with defaults and examples: docs/programs.md.
 */
import { z } from 'zod';
import { isKnownCurrency, toDecimalString } from './money';
import { CONTACT_MILESTONE_DEALS } from './revenue-share';
import { RISK_FLAGS } from './risk-flags';

export const PROGRAM_STATUSES = ['draft', 'active', 'paused'] as const;
export const ENROLMENT_PATHS = ['hubspot', 'signup'] as const;
export const REWARD_KINDS = ['cash', 'credit', 'gift_card', 'discount'] as const;
export const PROPERTY_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'is_set'] as const;

/** HubSpot CRM search operators, grouped by the operands each one needs. */
const SINGLE_VALUE_OPERATORS = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN'] as const;
const LIST_OPERATORS = ['IN', 'NOT_IN'] as const;
const NO_VALUE_OPERATORS = ['HAS_PROPERTY', 'NOT_HAS_PROPERTY'] as const;
export const SEARCH_OPERATORS = [...SINGLE_VALUE_OPERATORS, ...LIST_OPERATORS, 'BETWEEN', ...NO_VALUE_OPERATORS] as const;

/**
 * HubSpot's search limits, the strictest documented (the 2026-03 reference; the 2024 changelog
 * allowed 10 per group and 25 in all): filter groups are ORed, one sort, and the request body
 * counts too, so long IN lists run out of room before filters do.
 */
export const SEARCH_LIMITS = { maxFilterGroups: 5, maxFiltersPerGroup: 6, maxFilters: 18, maxBodyChars: 3000 } as const;

/**
 * What enrolment's own searches add to the criteria (server/enrolment/criteria.ts builds them; a
 * test checks they stay within this): two filters in every group, "no referral code yet" and the id
 * paging filter `hs_object_id GT <last id>`, and characters for those filters (ids of up to 20
 * digits), the sort, the properties and the limit.
 */
export const ENROLMENT_SEARCH_RESERVE = { filtersPerGroup: 2, charsPerGroup: 140, chars: 140 } as const;

const MAX_AMOUNT = 100_000_000_00; // a billion in a 2-decimal currency: catches a misplaced exponent
const DAY_LIMIT = 3650;

const text = (label: string, max: number) =>
  z.string().trim().min(1, `${label} is required`).max(max, `${label} must be at most ${max} characters`);

const days = (label: string, min: number) =>
  z.number().int(`${label} must be a whole number of days`)
    .min(min, `${label} must be at least ${min} day${min === 1 ? '' : 's'}`)
    .max(DAY_LIMIT, `${label} must be at most ${DAY_LIMIT} days`);

const count = (label: string) =>
  z.number().int(`${label} must be a whole number`).min(1, `${label} must be at least 1`);

const minorUnits = (label: string) =>
  z.number().int(`${label} is in minor units (e.g. cents) and must be a whole number`)
    .positive(`${label} must be greater than 0`)
    .max(MAX_AMOUNT, `${label} is implausibly large; amounts are in minor units (e.g. cents)`);

const httpsUrl = (label: string) =>
  z.url({ protocol: /^https$/, error: `${label} must be a full https:// address` });

/** HubSpot owner ids are numeric strings; numbers from a form are accepted too. */
const ownerId = z.union([z.string().trim(), z.number().int().nonnegative().transform(String)])
  .pipe(z.string().regex(/^\d+$/, 'Choose a HubSpot owner (a numeric owner id)'));

const filterValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const searchFilterSchema = z.strictObject({
  propertyName: text('Property', 100),
  operator: z.enum(SEARCH_OPERATORS, `Choose an operator: ${SEARCH_OPERATORS.join(', ')}`),
  value: filterValue.optional(),
  values: z.array(filterValue).optional(),
  highValue: filterValue.optional(),
}).superRefine((filter, ctx) => {
  const op = filter.operator;
  const need = (key: 'value' | 'values' | 'highValue', message: string) =>
    ctx.addIssue({ code: 'custom', path: [key], message });
  if ((SINGLE_VALUE_OPERATORS as readonly string[]).includes(op) && (filter.value ?? '') === '') {
    need('value', `Enter a value to compare ${filter.propertyName} with`);
  }
  if ((LIST_OPERATORS as readonly string[]).includes(op) && !filter.values?.length) {
    need('values', `Enter at least one value for ${op}`);
  }
  if (op === 'BETWEEN') {
    if ((filter.value ?? '') === '') need('value', 'Enter the lower bound');
    if ((filter.highValue ?? '') === '') need('highValue', 'Enter the upper bound');
  }
  if ((NO_VALUE_OPERATORS as readonly string[]).includes(op) && filter.value !== undefined) {
    need('value', `${op} takes no value; remove it`);
  }
});

const filterGroupSchema = z.strictObject({
  filters: z.array(searchFilterSchema).min(1, 'A filter group needs at least one filter'),
});

// Whether the criteria fit one search is checked by parseProgram (enrolmentSearchIssues), not here,
// so criteria stored under HubSpot's looser limits of the past stay readable.
export const criteriaSchema = z.array(filterGroupSchema);

/**
 * The defaults of the program's own words, exported so the public pages can tell an untouched
 * default (shown in the visitor's language) from words the team wrote (shown as written).
 */
export const DEFAULT_HEADLINE = 'Give a friend a reward, get one too';
export const DEFAULT_CONSENT_TEXT = 'I agree to be contacted about this offer and that my referrer may learn whether I signed up.';

const brandSchema = z.strictObject({
  headline: text('Headline', 120).default(DEFAULT_HEADLINE),
  description: z.string().trim().max(1000, 'Description must be at most 1000 characters').default(''),
  primaryColor: z.string().trim()
    .regex(/^#[0-9a-fA-F]{6}$/, 'Primary colour must be a hex colour like #ff7a59')
    .default('#ff7a59'),
  logoUrl: httpsUrl('Logo URL').optional(),
});

const enrolmentSchema = z.strictObject({
  paths: z.array(z.enum(ENROLMENT_PATHS, 'Enrolment paths are "hubspot" and "signup"'))
    .min(1, 'Choose at least one way to enrol: from HubSpot, by self sign-up, or both')
    .refine((paths) => new Set(paths).size === paths.length, 'Each enrolment path may be listed once')
    .default(['hubspot']),
  criteria: criteriaSchema.default([]),
  allowManual: z.boolean().default(true),
  vanityCodes: z.boolean().default(false),
  landingUrl: httpsUrl('Landing page URL').optional(),
  brand: brandSchema.prefault({}),
  consentText: text('Consent text', 2000)
    .default(DEFAULT_CONSENT_TEXT),
});

const routingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('referrer_owner') }),
  z.strictObject({
    kind: z.literal('round_robin'),
    ownerIds: z.array(ownerId).min(1, 'Round robin needs at least one owner')
      .refine((ids) => new Set(ids).size === ids.length, 'Each owner may appear once in the round robin'),
  }),
  z.strictObject({ kind: z.literal('fixed'), ownerId }),
], { error: 'Routing must be "referrer_owner", "round_robin" or "fixed"' });

const captureSchema = z.strictObject({
  lifecycleStage: text('Lifecycle stage', 100).default('lead'),
  routing: routingSchema.default({ kind: 'referrer_owner' }),
  attributionWindowDays: days('Attribution window', 1).default(90),
  rewardExistingContacts: z.boolean().default(false),
});

const milestoneSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('lifecycle_stage'), stage: text('Lifecycle stage', 100) }),
  z.strictObject({
    kind: z.literal('deal_stage'),
    pipelineId: text('Pipeline', 100),
    stageId: text('Deal stage', 100),
    orLater: z.boolean().default(true),
  }),
  z.strictObject({
    kind: z.literal('property'),
    propertyName: text('Property', 100),
    operator: z.enum(PROPERTY_OPERATORS, `Choose an operator: ${PROPERTY_OPERATORS.join(', ')}`),
    value: filterValue.optional(),
  }).superRefine((m, ctx) => {
    if (m.operator === 'is_set' && m.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: '"is set" takes no value; remove it' });
    }
    if (m.operator !== 'is_set' && (m.value ?? '').trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `Enter a value to compare ${m.propertyName} with` });
    }
  }),
], { error: 'Milestone must be "lifecycle_stage", "deal_stage" or "property"' });

const qualificationSchema = z.strictObject({
  milestone: milestoneSchema.default({ kind: 'lifecycle_stage', stage: 'customer' }),
  windowDays: days('Qualification window', 1).default(365),
});

const revenueShareSchema = z.strictObject({
  percent: z.number('Percent of the deal must be a number')
    .positive('Percent of the deal must be greater than 0')
    .max(100, 'Percent of the deal must be at most 100')
    .refine((p) => Number.isInteger(Math.round(p * 100)) && Math.abs(p * 100 - Math.round(p * 100)) < 1e-9,
      'Percent of the deal may have at most two decimals, e.g. 7.5'),
  min: minorUnits('Minimum reward').optional(),
  max: minorUnits('Maximum reward').optional(),
  contactMilestoneDeal: z.enum(CONTACT_MILESTONE_DEALS,
    'For a contact milestone choose "first_closed_won_after_referral" or "fixed_amount"').default('first_closed_won_after_referral'),
  reviewWithoutAmount: z.boolean().default(false),
});

/**
 * `amount` is the fixed reward; with `revenueShare` it is what is paid when no deal amount counts
 * (docs/programs.md, "Revenue-based rewards").
 */
const rewardSpecSchema = z.strictObject({
  kind: z.enum(REWARD_KINDS, `Reward kind must be one of: ${REWARD_KINDS.join(', ')}`),
  amount: minorUnits('Amount'),
  currency: z.string().trim().toUpperCase()
    .refine(isKnownCurrency, 'Currency must be an ISO 4217 code such as USD, EUR or JPY'),
  revenueShare: revenueShareSchema.optional(),
}).superRefine((spec, ctx) => {
  // Checked here, where the currency is known, so the message shows amounts as people type them.
  const share = spec.revenueShare;
  if (share?.min !== undefined && share.max !== undefined && share.min > share.max) {
    const money = (amount: number) => `${toDecimalString(amount, spec.currency)} ${spec.currency}`;
    ctx.addIssue({
      code: 'custom', path: ['revenueShare', 'max'],
      message: `Maximum reward (${money(share.max)}) cannot be below the minimum (${money(share.min)})`,
    });
  }
});

const tierSchema = z.strictObject({
  atQualified: z.number().int('Tier threshold must be a whole number')
    .min(2, 'A tier bonus starts at the 2nd qualified referral or later (the 1st earns the base reward)'),
  bonus: z.strictObject({ amount: minorUnits('Bonus amount') }),
});

const capsSchema = z.strictObject({
  perReferrer: count('Lifetime rewards per referrer').optional(),
  perReferrerPerMonth: count('Rewards per referrer per month').optional(),
  programPerMonth: minorUnits('Monthly program budget').optional(),
});

const rewardsSchema = z.strictObject({
  referrer: rewardSpecSchema,
  friend: rewardSpecSchema.optional(),
  tiers: z.array(tierSchema).default([])
    .refine((tiers) => new Set(tiers.map((t) => t.atQualified)).size === tiers.length,
      'Two tiers have the same threshold; each tier needs its own number of qualified referrals')
    .transform((tiers) => [...tiers].sort((a, b) => a.atQualified - b.atQualified)),
  caps: capsSchema.default({}),
  holdDays: z.number().int('Hold period must be a whole number of days').min(0, 'Hold period cannot be negative')
    .max(DAY_LIMIT, `Hold period must be at most ${DAY_LIMIT} days`).default(0),
}).superRefine((rewards, ctx) => {
  // Budgets, tiers and reports add friend and referrer amounts together, so they must share a currency.
  if (rewards.friend && rewards.friend.currency !== rewards.referrer.currency) {
    ctx.addIssue({
      code: 'custom', path: ['friend', 'currency'],
      message: `Friend reward must use the referrer reward's currency (${rewards.referrer.currency})`,
    });
  }
  const { perReferrer, perReferrerPerMonth } = rewards.caps;
  if (perReferrer !== undefined && perReferrerPerMonth !== undefined && perReferrerPerMonth > perReferrer) {
    ctx.addIssue({
      code: 'custom', path: ['caps', 'perReferrerPerMonth'],
      message: `Monthly cap (${perReferrerPerMonth}) cannot exceed the lifetime cap (${perReferrer})`,
    });
  }
});

const velocityCount = (label: string, fallback: number, max = 10_000) =>
  z.number({ error: `${label} must be a whole number` }).int(`${label} must be a whole number`)
    .min(1, `${label} must be at least 1`).max(max, `${label} must be at most ${max}`).default(fallback);

/**
 * When captures come too fast (`high_velocity`). The window also bounds how long network addresses
 * are kept (docs/privacy.md), hence at most a day.
 */
const velocitySchema = z.strictObject({
  windowMinutes: velocityCount('Velocity window (minutes)', 60, 1440),
  friendsPerReferrer: velocityCount('Friends per referrer', 5),
  capturesPerIp: velocityCount('Referrals per network address', 5),
  capturesPerBrowser: velocityCount('Referrals per browser', 3),
});

const reviewSchema = z.strictObject({
  amountAbove: minorUnits('Review threshold').optional(),
  firstRewardPerReferrer: z.boolean().default(false),
  flags: z.array(z.enum(RISK_FLAGS, `Risk flags are: ${RISK_FLAGS.join(', ')}`)).default([]),
  velocity: velocitySchema.prefault({}),
  expirationDays: days('Review expiry', 1).max(90, 'Review expiry must be at most 90 days').default(7),
});

const fulfilmentSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('manual') }),
  z.strictObject({
    kind: z.literal('webhook'),
    url: httpsUrl('Webhook URL'),
    secretRef: z.string().trim()
      .regex(/^[A-Z][A-Z0-9_]*$/, 'Secret name must be an upper-case name such as REWARD_WEBHOOK_SECRET')
      .optional(),
  }),
], { error: 'Fulfilment must be "manual" or "webhook"' });

/** Languages the public pages are written in (server/i18n/messages); a program offers a subset. */
export const PAGE_LOCALES = ['en', 'de', 'fr', 'es', 'nl', 'pt'] as const;
export type PageLocale = (typeof PAGE_LOCALES)[number];

/** The one placeholder of a program's share message; the share page puts the referrer's link there. */
export const SHARE_LINK_PLACEHOLDER = '{link}';

/**
 * A share message ends up in email bodies, SMS and posts, so it is plain text: `{link}` exactly once
 * (a message without the link shares nothing), and no other braces, so a typo such as `{lnik}` is
 * named here instead of reaching friends as written.
 */
const shareMessage = z.string().trim()
  .min(1, 'Share message cannot be empty; remove it to use the default')
  .max(500, 'Share message must be at most 500 characters')
  .superRefine((message, ctx) => {
    const placeholders = message.match(/\{[^{}]*\}/g) ?? [];
    const unknown = placeholders.find((p) => p !== SHARE_LINK_PLACEHOLDER);
    if (unknown) ctx.addIssue({ code: 'custom', message: `Share message: ${unknown} is not a placeholder; only {link} is replaced` });
    else if (placeholders.length !== 1) ctx.addIssue({ code: 'custom', message: 'Share message must contain {link} exactly once, where the referral link goes' });
    else if (/[{}]/.test(message.replace(SHARE_LINK_PLACEHOLDER, ''))) ctx.addIssue({ code: 'custom', message: 'Share message may contain braces only in {link}' });
  });

/** The program's own words in one language: what `enrolment.brand` and `pages` say, translated by the team. */
const pageTextSchema = z.strictObject({
  headline: text('Headline', 120).optional(),
  description: z.string().trim().max(1000, 'Description must be at most 1000 characters').optional(),
  consentText: text('Consent text', 2000).optional(),
  shareMessage: shareMessage.optional(),
});

/** What the public pages show beyond the form: docs/programs.md, "Public pages, branding and languages". */
const pagesSchema = z.strictObject({
  /** Off by default: a referrer's name is theirs to share, so the program has to choose to show it. */
  showReferrerName: z.boolean().default(false),
  termsUrl: httpsUrl('Terms URL').optional(),
  shareMessage: shareMessage.optional(),
  translations: z.partialRecord(z.enum(PAGE_LOCALES, `Translations are keyed by language: ${PAGE_LOCALES.join(', ')}`), pageTextSchema).default({}),
});

const localesSchema = z.array(z.enum(PAGE_LOCALES, `Languages are: ${PAGE_LOCALES.join(', ')}`))
  .min(1, 'Choose at least one language for the public pages')
  .refine((locales) => new Set(locales).size === locales.length, 'Each language may be listed once')
  .default(['en']);

export const programSchema = z.strictObject({
  id: z.string().trim().min(1, 'Program id is required').max(64, 'Program id must be at most 64 characters')
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Program id must be lowercase letters, digits and single hyphens, e.g. spring-2026'),
  name: text('Name', 120),
  status: z.enum(PROGRAM_STATUSES, 'Status must be draft, active or paused').default('draft'),
  ownerId: ownerId.optional(),
  enrolment: enrolmentSchema.prefault({}),
  capture: captureSchema.prefault({}),
  qualification: qualificationSchema.prefault({}),
  rewards: rewardsSchema,
  review: reviewSchema.prefault({}),
  fulfilment: fulfilmentSchema.default({ kind: 'manual' }),
  /** The public pages' languages; the first is the one shown when a visitor's languages match none. */
  locales: localesSchema,
  pages: pagesSchema.prefault({}),
}).superRefine((program, ctx) => {
  for (const locale of Object.keys(program.pages.translations)) {
    if (!program.locales.includes(locale as PageLocale)) {
      ctx.addIssue({
        code: 'custom', path: ['pages', 'translations', locale],
        message: `Translation for "${locale}", which is not among the program's languages (${program.locales.join(', ')}): add it to locales or remove this translation`,
      });
    }
  }
  if (program.status !== 'draft' && program.ownerId === undefined) {
    ctx.addIssue({
      code: 'custom', path: ['ownerId'],
      message: 'Choose the HubSpot owner responsible for this program before activating it',
    });
  }
});

export type Program = z.output<typeof programSchema>;
/** What a client may send: defaults make most fields optional. */
export type ProgramInput = z.input<typeof programSchema>;
export type ProgramStatus = Program['status'];
export type EnrolmentPath = (typeof ENROLMENT_PATHS)[number];
export type SearchFilter = z.output<typeof searchFilterSchema>;
export type SearchOperator = (typeof SEARCH_OPERATORS)[number];
export type Routing = Program['capture']['routing'];
export type Milestone = Program['qualification']['milestone'];
export type PropertyOperator = (typeof PROPERTY_OPERATORS)[number];
export type RewardKind = (typeof REWARD_KINDS)[number];
export type RewardSpec = Program['rewards']['referrer'];
export type RevenueShareSpec = NonNullable<RewardSpec['revenueShare']>;
export type RewardTier = Program['rewards']['tiers'][number];
export type RewardCaps = Program['rewards']['caps'];
export type ReviewRules = Program['review'];
export type Fulfilment = Program['fulfilment'];
export type PageSettings = Program['pages'];
export type PageText = z.output<typeof pageTextSchema>;

/**
 * The words the settings page shows for each choice, keyed by the lists above so that a value added
 * there does not compile until it has its words. HubSpot's operators are never restated here.
 */
export const PROGRAM_STATUS_WORDS: Record<ProgramStatus, string> = {
  draft: 'Draft: not live yet',
  active: 'Active: enrolling, capturing and rewarding',
  paused: 'Paused: no new referrers or referrals; those already captured are still decided',
};

export const REWARD_KIND_WORDS: Record<RewardKind, string> = {
  cash: 'Cash', credit: 'Account credit', gift_card: 'Gift card', discount: 'Discount',
};

export const MILESTONE_KIND_WORDS: Record<Milestone['kind'], string> = {
  lifecycle_stage: 'The friend reaches a lifecycle stage',
  deal_stage: "A deal of the friend's reaches a stage",
  property: "A property of the friend's contact record meets a condition",
};

/** How the settings page asks for a property's value, from HubSpot's property `type`. */
export type PropertyValueKind = 'enumeration' | 'number' | 'date' | 'bool' | 'text';

export function propertyValueKind(hubspotType: string): PropertyValueKind {
  switch (hubspotType) {
    case 'enumeration': return 'enumeration';
    case 'number': return 'number';
    case 'date': case 'datetime': return 'date';
    case 'bool': return 'bool';
    default: return 'text';
  }
}

/** What an operator needs besides the property: one value, a list, a range, or nothing. */
export type OperandShape = 'one' | 'list' | 'range' | 'none';

export function searchOperands(operator: SearchOperator): OperandShape {
  if ((LIST_OPERATORS as readonly string[]).includes(operator)) return 'list';
  if ((NO_VALUE_OPERATORS as readonly string[]).includes(operator)) return 'none';
  return operator === 'BETWEEN' ? 'range' : 'one';
}

export const SEARCH_OPERATOR_WORDS: Record<SearchOperator, string> = {
  EQ: 'is', NEQ: 'is not', LT: 'is less than', LTE: 'is at most', GT: 'is more than', GTE: 'is at least',
  CONTAINS_TOKEN: 'contains the word', NOT_CONTAINS_TOKEN: "doesn't contain the word", IN: 'is any of', NOT_IN: 'is none of',
  BETWEEN: 'is between', HAS_PROPERTY: 'is known', NOT_HAS_PROPERTY: 'is unknown',
};

/** Dates compare as time. */
const DATE_SEARCH_WORDS: Partial<Record<SearchOperator, string>> = {
  EQ: 'is on', NEQ: 'is not on', LT: 'is before', LTE: 'is on or before', GT: 'is after', GTE: 'is on or after',
};

const ORDERED = new Set<string>(['LT', 'LTE', 'GT', 'GTE', 'BETWEEN']);
const TOKENS = new Set<string>(['CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);
const LISTS = new Set<string>(LIST_OPERATORS);

/** The search operators that make sense for a kind of property, in the list's order. */
export function searchOperatorsFor(kind: PropertyValueKind): SearchOperator[] {
  return SEARCH_OPERATORS.filter((op) => {
    if (ORDERED.has(op)) return kind === 'number' || kind === 'date';
    if (TOKENS.has(op)) return kind === 'text';
    if (LISTS.has(op)) return kind === 'enumeration' || kind === 'text';
    return true;
  });
}

export function searchOperatorWords(operator: SearchOperator, kind: PropertyValueKind): string {
  return (kind === 'date' ? DATE_SEARCH_WORDS[operator] : undefined) ?? SEARCH_OPERATOR_WORDS[operator];
}

export const PROPERTY_OPERATOR_WORDS: Record<PropertyOperator, string> = {
  eq: 'is', neq: 'is not', gt: 'is more than', gte: 'is at least', lt: 'is less than', lte: 'is at most',
  contains: 'contains', is_set: 'is known',
};

const DATE_PROPERTY_WORDS: Partial<Record<PropertyOperator, string>> = {
  eq: 'is on', neq: 'is not on', gt: 'is after', gte: 'is on or after', lt: 'is before', lte: 'is on or before',
};

/** The milestone conditions that make sense for a kind of property, in the list's order. */
export function propertyOperatorsFor(kind: PropertyValueKind): PropertyOperator[] {
  return PROPERTY_OPERATORS.filter((op) => {
    if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') return kind === 'number' || kind === 'date';
    if (op === 'contains') return kind === 'text';
    return true;
  });
}

export function propertyOperatorWords(operator: PropertyOperator, kind: PropertyValueKind): string {
  return (kind === 'date' ? DATE_PROPERTY_WORDS[operator] : undefined) ?? PROPERTY_OPERATOR_WORDS[operator];
}

export interface ProgramIssue {
  /** Dotted field path, e.g. "rewards.tiers.0.atQualified"; "" for the program as a whole. */
  path: string;
  message: string;
}

export type ParseProgramResult = { ok: true; program: Program } | { ok: false; issues: ProgramIssue[] };

/** Messages for failures no field-level message covers (a missing required object, a wrong type). */
const fallbackMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'This field is required';
    const expected = issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a group of fields' : `a ${issue.expected}`;
    return `Expected ${expected}`;
  }
  return undefined;
};

function joinPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** One issue per unknown key so each typo shows beside its own field. */
function toProgramIssues(issues: readonly z.core.$ZodIssue[]): ProgramIssue[] {
  return issues.flatMap((issue): ProgramIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: joinPath([...issue.path, key]), message: `Unknown field "${key}"` }));
    }
    return [{ path: joinPath(issue.path), message: issue.message }];
  });
}

type Criteria = Program['enrolment']['criteria'];

const criterionPath = (g: number, f: number) => `enrolment.criteria.${g}.filters.${f}.propertyName`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Whether enrolment can find the criteria's contacts in one HubSpot search, with the filters it
 * adds to every group; each issue points at the condition (its property field) to remove or shorten.
 */
export function enrolmentSearchIssues(criteria: Criteria): ProgramIssue[] {
  const issues: ProgramIssue[] = [];
  const { maxFilterGroups, maxFiltersPerGroup, maxFilters, maxBodyChars } = SEARCH_LIMITS;
  const reserve = ENROLMENT_SEARCH_RESERVE;
  const added = `enrolment adds ${reserve.filtersPerGroup} filters of its own to each (no referral code yet, and paging by contact id)`;
  if (criteria.length > maxFilterGroups) {
    issues.push({
      path: criterionPath(maxFilterGroups, 0),
      message: `HubSpot searches take at most ${maxFilterGroups} enrolment rules (filter groups); this is rule ${maxFilterGroups + 1}. Remove it or merge it into another rule`,
    });
  }
  const perRule = maxFiltersPerGroup - reserve.filtersPerGroup;
  criteria.forEach((group, g) => {
    if (group.filters.length > perRule) {
      issues.push({
        path: criterionPath(g, perRule),
        message: `Rule ${g + 1} has ${plural(group.filters.length, 'condition')}: HubSpot allows ${maxFiltersPerGroup} filters per group and ${added}, so a rule may have at most ${perRule}. Remove this condition or move it to another rule`,
      });
    }
  });
  const groups = Math.max(1, criteria.length);
  const allowed = maxFilters - reserve.filtersPerGroup * groups;
  const total = criteria.reduce((n, group) => n + group.filters.length, 0);
  if (total > allowed) {
    const over = criteria.flatMap((group, g) => group.filters.map((_, f) => [g, f] as const))[Math.max(0, allowed)]!;
    issues.push({
      path: criterionPath(over[0], over[1]),
      message: `The rules have ${plural(total, 'condition')} in ${plural(groups, 'group')}: HubSpot allows ${maxFilters} filters in one search and ${added}, so ${groups} rule${groups === 1 ? '' : 's'} may have ${Math.max(0, allowed)} conditions in all. Remove this condition or merge rules`,
    });
  }
  const chars = JSON.stringify({ filterGroups: criteria }).length + reserve.charsPerGroup * groups + reserve.chars;
  if (chars > maxBodyChars && total > 0) {
    let longest = { g: 0, f: 0, length: -1 };
    criteria.forEach((group, g) => group.filters.forEach((filter, f) => {
      const length = JSON.stringify(filter).length;
      if (length > longest.length) longest = { g, f, length };
    }));
    issues.push({
      path: criterionPath(longest.g, longest.f),
      message: `The enrolment rules make a HubSpot search of ${chars} characters with what enrolment adds; HubSpot allows ${maxBodyChars}. This condition is the longest (${longest.length} characters): shorten its list of values`,
    });
  }
  return issues;
}

/** A program as the settings page and `PUT /api/programs/:id` take it: valid, and its criteria fit one search. */
export function parseProgram(input: unknown): ParseProgramResult {
  const parsed = parseStoredProgram(input);
  if (!parsed.ok) return parsed;
  const issues = enrolmentSearchIssues(parsed.program.enrolment.criteria);
  return issues.length === 0 ? parsed : { ok: false, issues };
}

/**
 * A program as stored: criteria saved under HubSpot's looser limits of the past stay readable (a
 * bulk run on them fails naming the limit, and saving the program again asks to fix them).
 */
export function parseStoredProgram(input: unknown): ParseProgramResult {
  const result = programSchema.safeParse(input, { error: fallbackMessages });
  return result.success ? { ok: true, program: result.data } : { ok: false, issues: toProgramIssues(result.error.issues) };
}

/** A valid draft to start the settings page from. */
export function newDraftProgram(id: string, name: string, referrer: ProgramInput['rewards']['referrer']): Program {
  const result = parseProgram({ id, name, rewards: { referrer } });
  if (!result.ok) {
    throw new Error(`Cannot create program draft: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
  return result.program;
}
