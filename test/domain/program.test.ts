import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MILESTONE_KIND_WORDS, SEARCH_OPERATORS, newDraftProgram, parseProgram, propertyOperatorWords, propertyOperatorsFor, propertyValueKind,
  searchFilterSchema, searchOperands, searchOperatorWords, searchOperatorsFor, type PropertyValueKind,
} from '../../src/app/packages/domain/program';
import { buildProgram, buildProgramInput } from './factories';

function issuesOf(input: unknown) {
  const result = parseProgram(input);
  if (result.ok) throw new Error('expected the program to be rejected');
  return result.issues;
}

function messageAt(input: unknown, path: string): string | undefined {
  return issuesOf(input).find((i) => i.path === path)?.message;
}

describe('parseProgram', () => {
  it('fills every default from a minimal program', () => {
    const result = parseProgram({ id: 'spring', name: 'Spring', rewards: { referrer: { kind: 'cash', amount: 5000, currency: 'usd' } } });
    expect(result).toMatchObject({
      ok: true,
      program: {
        status: 'draft',
        enrolment: { paths: ['hubspot'], criteria: [], allowManual: true, vanityCodes: false, brand: { primaryColor: '#ff7a59' } },
        capture: { lifecycleStage: 'lead', routing: { kind: 'referrer_owner' }, attributionWindowDays: 90, rewardExistingContacts: false },
        qualification: { milestone: { kind: 'lifecycle_stage', stage: 'customer' }, windowDays: 365 },
        rewards: { referrer: { currency: 'USD' }, tiers: [], caps: {}, holdDays: 0 },
        review: { firstRewardPerReferrer: false, flags: [], expirationDays: 7 },
        fulfilment: { kind: 'manual' },
      },
    });
  });

  it('accepts a fully specified program unchanged', () => {
    const input = buildProgramInput({
      enrolment: {
        paths: ['hubspot', 'signup'],
        criteria: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }] },
          { filters: [{ propertyName: 'hs_lead_status', operator: 'IN', values: ['OPEN', 'CONNECTED'] }] }],
        allowManual: false, vanityCodes: true, landingUrl: 'https://example.com/refer',
        brand: { headline: 'Share the love', description: 'Both get $50', primaryColor: '#123ABC', logoUrl: 'https://example.com/logo.png' },
        consentText: 'I agree.',
      },
      capture: { lifecycleStage: 'marketingqualifiedlead', routing: { kind: 'round_robin', ownerIds: ['11', '12'] }, attributionWindowDays: 30, rewardExistingContacts: true },
      qualification: { milestone: { kind: 'deal_stage', pipelineId: 'default', stageId: 'closedwon', orLater: false }, windowDays: 120 },
      rewards: {
        referrer: { kind: 'gift_card', amount: 5000, currency: 'EUR' }, friend: { kind: 'discount', amount: 2000, currency: 'EUR' },
        tiers: [{ atQualified: 10, bonus: { amount: 10000 } }, { atQualified: 5, bonus: { amount: 2500 } }],
        caps: { perReferrer: 20, perReferrerPerMonth: 5, programPerMonth: 1_000_000 }, holdDays: 30,
      },
      review: { amountAbove: 10000, firstRewardPerReferrer: true, flags: ['same_ip_as_referrer'], expirationDays: 14 },
      fulfilment: { kind: 'webhook', url: 'https://rewards.example.com/hook', secretRef: 'REWARD_WEBHOOK_SECRET' },
    });
    const result = parseProgram(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.program.rewards.tiers.map((t) => t.atQualified)).toEqual([5, 10]); // sorted for the rules
    expect(result.program.fulfilment).toEqual(input.fulfilment);
  });

  it.each([
    ['id', { id: 'Spring 2026' }, /lowercase letters, digits and single hyphens/],
    ['name', { name: '  ' }, /Name is required/],
    ['ownerId', { ownerId: undefined }, /owner responsible/],
    ['ownerId', { ownerId: 'bob' }, /numeric owner id/],
    ['enrolment.paths', { enrolment: { paths: [] } }, /at least one way to enrol/],
    ['enrolment.paths.0', { enrolment: { paths: ['email'] } }, /"hubspot" and "signup"/],
    ['enrolment.landingUrl', { enrolment: { landingUrl: 'http://example.com' } }, /https:\/\//],
    ['enrolment.brand.primaryColor', { enrolment: { brand: { primaryColor: 'orange' } } }, /hex colour/],
    ['enrolment.criteria.0.filters.0.value', { enrolment: { criteria: [{ filters: [{ propertyName: 'city', operator: 'EQ' }] }] } }, /Enter a value to compare city/],
    ['enrolment.criteria.0.filters.0.values', { enrolment: { criteria: [{ filters: [{ propertyName: 'city', operator: 'IN', values: [] }] }] } }, /at least one value/],
    ['enrolment.criteria.0.filters.0.highValue', { enrolment: { criteria: [{ filters: [{ propertyName: 'age', operator: 'BETWEEN', value: 1 }] }] } }, /upper bound/],
    ['enrolment.criteria.0.filters.0.operator', { enrolment: { criteria: [{ filters: [{ propertyName: 'age', operator: 'LIKE', value: 1 }] }] } }, /Choose an operator/],
    ['enrolment.criteria.5.filters.0.propertyName', { enrolment: { criteria: Array.from({ length: 6 }, () => ({ filters: [{ propertyName: 'a', operator: 'HAS_PROPERTY' }] })) } }, /at most 5 enrolment rules/],
    ['enrolment.criteria.0.filters.4.propertyName', { enrolment: { criteria: [{ filters: Array.from({ length: 5 }, () => ({ propertyName: 'a', operator: 'HAS_PROPERTY' })) }] } }, /at most 4/],
    ['capture.routing.ownerIds', { capture: { routing: { kind: 'round_robin', ownerIds: [] } } }, /at least one owner/],
    ['capture.routing.kind', { capture: { routing: { kind: 'random' } } }, /referrer_owner/],
    ['capture.attributionWindowDays', { capture: { attributionWindowDays: 0 } }, /at least 1 day/],
    ['qualification.milestone.value', { qualification: { milestone: { kind: 'property', propertyName: 'plan', operator: 'eq' } } }, /Enter a value to compare plan/],
    ['qualification.milestone.stageId', { qualification: { milestone: { kind: 'deal_stage', pipelineId: 'default' } } }, /required/],
    ['rewards.referrer.amount', { rewards: { referrer: { kind: 'cash', amount: 49.99, currency: 'USD' } } }, /minor units/],
    ['rewards.referrer.currency', { rewards: { referrer: { kind: 'cash', amount: 100, currency: 'DOLLARS' } } }, /ISO 4217/],
    ['rewards.referrer.kind', { rewards: { referrer: { kind: 'points', amount: 100, currency: 'USD' } } }, /cash, credit, gift_card, discount/],
    ['rewards.friend.currency', { rewards: { referrer: { kind: 'cash', amount: 100, currency: 'USD' }, friend: { kind: 'cash', amount: 100, currency: 'EUR' } } }, /same currency|currency \(USD\)/],
    ['rewards.tiers', { rewards: { referrer: { kind: 'cash', amount: 100, currency: 'USD' }, tiers: [{ atQualified: 3, bonus: { amount: 1 } }, { atQualified: 3, bonus: { amount: 2 } }] } }, /same threshold/],
    ['rewards.caps.perReferrerPerMonth', { rewards: { referrer: { kind: 'cash', amount: 100, currency: 'USD' }, caps: { perReferrer: 2, perReferrerPerMonth: 3 } } }, /cannot exceed the lifetime cap/],
    ['review.flags.0', { review: { flags: ['vpn'] } }, /Risk flags are/],
    ['fulfilment.url', { fulfilment: { kind: 'webhook', url: 'ftp://x' } }, /https:\/\//],
    ['rewards', { rewards: undefined }, /required/],
  ] as const)('rejects a bad %s with a message beside the field', (path, overrides, message) => {
    expect(messageAt(buildProgramInput(overrides as never), path)).toMatch(message);
  });

  it('names each unknown field so typos show where they were made', () => {
    const issues = issuesOf(buildProgramInput({ capture: { lifecycleStag: 'lead' } as never, extra: true } as never));
    expect(issues).toEqual(expect.arrayContaining([
      { path: 'capture.lifecycleStag', message: 'Unknown field "lifecycleStag"' },
      { path: 'extra', message: 'Unknown field "extra"' },
    ]));
  });

  it('lets a draft omit the owner', () => {
    expect(parseProgram(buildProgramInput({ status: 'draft', ownerId: undefined })).ok).toBe(true);
  });

  it('accepts the example in the configuration reference', () => {
    const reference = readFileSync(join(__dirname, '../../docs/programs.md'), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(reference)?.[1] ?? 'missing example';
    expect(parseProgram(JSON.parse(example))).toMatchObject({ ok: true, program: { id: 'spring-2026' } });
  });

  it('gives velocity limits sensible defaults and keeps the window to a day, since it bounds how long addresses are kept', () => {
    expect(buildProgram().review.velocity).toEqual({ windowMinutes: 60, friendsPerReferrer: 5, capturesPerIp: 5, capturesPerBrowser: 3 });
    expect(buildProgram({ review: { velocity: { friendsPerReferrer: 20 } } }).review.velocity)
      .toEqual({ windowMinutes: 60, friendsPerReferrer: 20, capturesPerIp: 5, capturesPerBrowser: 3 });
    expect(issuesOf(buildProgramInput({ review: { velocity: { windowMinutes: 1441, capturesPerIp: 0 } } }))).toEqual([
      { path: 'review.velocity.windowMinutes', message: 'Velocity window (minutes) must be at most 1440' },
      { path: 'review.velocity.capturesPerIp', message: 'Referrals per network address must be at least 1' },
    ]);
  });

  it('reports a non-object input at the root', () => {
    expect(issuesOf('nope')).toEqual([{ path: '', message: 'Expected a group of fields' }]);
  });
});

describe('newDraftProgram', () => {
  it('creates a valid draft', () => {
    const program = newDraftProgram('summer', 'Summer', { kind: 'credit', amount: 1000, currency: 'GBP' });
    expect(program).toMatchObject({ id: 'summer', status: 'draft', rewards: { referrer: { currency: 'GBP' } } });
  });

  it('explains what is wrong with the draft', () => {
    expect(() => newDraftProgram('Summer!', 'Summer', { kind: 'credit', amount: 1000, currency: 'GBP' })).toThrow(/id: Program id/);
  });
});

describe('the words the settings page shows', () => {
  it('a date compares as time, a number as amount, text by word; each offers only what HubSpot can search', () => {
    const offered = (kind: PropertyValueKind) => searchOperatorsFor(kind).map((op) => searchOperatorWords(op, kind));
    expect(offered('date')).toEqual(['is on', 'is not on', 'is before', 'is on or before', 'is after', 'is on or after', 'is between', 'is known', 'is unknown']);
    expect(offered('number')).toEqual(['is', 'is not', 'is less than', 'is at most', 'is more than', 'is at least', 'is between', 'is known', 'is unknown']);
    expect(offered('enumeration')).toEqual(['is', 'is not', 'is any of', 'is none of', 'is known', 'is unknown']);
    expect(offered('text')).toEqual(['is', 'is not', 'contains the word', "doesn't contain the word", 'is any of', 'is none of', 'is known', 'is unknown']);
    expect(offered('bool')).toEqual(['is', 'is not', 'is known', 'is unknown']);
  });

  it("every operator's operands match what the schema asks for", () => {
    const filters = { IN: { values: ['a'] }, NOT_IN: { values: ['a'] }, BETWEEN: { value: '1', highValue: '2' }, HAS_PROPERTY: {}, NOT_HAS_PROPERTY: {} } as Record<string, object>;
    for (const operator of SEARCH_OPERATORS) {
      const shape = searchOperands(operator);
      const filter = { propertyName: 'x', operator, ...(filters[operator] ?? { value: '1' }) };
      expect([operator, shape, searchFilterSchema.safeParse(filter).success]).toEqual([operator, shape, true]);
      expect(shape).toBe(operator in filters ? (operator === 'BETWEEN' ? 'range' : operator.endsWith('IN') ? 'list' : 'none') : 'one');
    }
  });

  it('milestone conditions and kinds read as sentences', () => {
    expect(propertyOperatorsFor('date').map((op) => propertyOperatorWords(op, 'date'))).toEqual(['is on', 'is not on', 'is after', 'is on or after', 'is before', 'is on or before', 'is known']);
    expect(propertyOperatorsFor('enumeration')).toEqual(['eq', 'neq', 'is_set']);
    expect(MILESTONE_KIND_WORDS.deal_stage).toBe("A deal of the friend's reaches a stage");
    expect(propertyValueKind('datetime')).toBe('date');
    expect(propertyValueKind('phone_number')).toBe('text');
  });
});

describe('parseProgram: public pages and languages', () => {
  const base = { id: 'spring', name: 'Spring', rewards: { referrer: { kind: 'cash', amount: 5000, currency: 'USD' } } };

  it('shows no referrer name and speaks English unless the program says otherwise', () => {
    expect(parseProgram(base)).toMatchObject({ ok: true, program: { locales: ['en'], pages: { showReferrerName: false, translations: {} } } });
  });

  it('takes a share message with {link} once and names what is wrong with any other', () => {
    const withMessage = (shareMessage: string) => ({ ...base, pages: { shareMessage } });
    expect(parseProgram(withMessage('Get 20% off: {link}'))).toMatchObject({ ok: true, program: { pages: { shareMessage: 'Get 20% off: {link}' } } });
    expect(messageAt(withMessage('Get 20% off with my link'), 'pages.shareMessage')).toBe('Share message must contain {link} exactly once, where the referral link goes');
    expect(messageAt(withMessage('{link} and again {link}'), 'pages.shareMessage')).toBe('Share message must contain {link} exactly once, where the referral link goes');
    expect(messageAt(withMessage('Hi {name}: {link}'), 'pages.shareMessage')).toBe('Share message: {name} is not a placeholder; only {link} is replaced');
    expect(messageAt(withMessage('Look } {link}'), 'pages.shareMessage')).toBe('Share message may contain braces only in {link}');
  });

  it('refuses an unknown or repeated language, a translation for a language the program does not offer, and a terms link without https', () => {
    expect(messageAt({ ...base, locales: ['en', 'ja'] }, 'locales.1')).toBe('Languages are: en, de, fr, es, nl, pt');
    expect(messageAt({ ...base, locales: ['de', 'de'] }, 'locales')).toBe('Each language may be listed once');
    expect(messageAt({ ...base, locales: [] }, 'locales')).toBe('Choose at least one language for the public pages');
    expect(messageAt({ ...base, locales: ['en'], pages: { translations: { fr: { headline: 'Parrainez' } } } }, 'pages.translations.fr'))
      .toBe('Translation for "fr", which is not among the program\'s languages (en): add it to locales or remove this translation');
    expect(messageAt({ ...base, pages: { termsUrl: 'http://acme.example/terms' } }, 'pages.termsUrl')).toBe('Terms URL must be a full https:// address');
    expect(parseProgram({ ...base, locales: ['de', 'en'], pages: { termsUrl: 'https://acme.example/terms', translations: { de: { shareMessage: 'Hol dir Rabatt: {link}' } } } }).ok).toBe(true);
  });
});
