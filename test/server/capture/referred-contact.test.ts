import request from 'supertest';
import type { ClaimRow } from '../../../server/capture/claim';
import { createContactUnlessTaken, isOwnContact } from '../../../server/capture/referred-contact';
import type { EnrolmentRow } from '../../../server/enrolment/repository';
import { P } from '../../../server/hubspot/properties';
import type { Program } from '../../../src/app/packages/domain/program';
import { dialects } from '../../support/databases';
import { createProgram, type Harness } from '../../support/harness';
import { referralOf, referrerWithCode, startCapture } from './fixtures';

const CAPTURED = Date.parse('2026-05-01T10:00:00Z');
const MINUTE = 60_000;

describe('whether a matched contact is the referral\'s own', () => {
  const claim = (source: string) => ({ captured_at: CAPTURED, source } as ClaimRow);
  const enrolment = { code: 'ANNA2345' } as EnrolmentRow;
  const contact = (createdAt: number | undefined, referredBy?: string) => ({
    id: '7', properties: { createdate: createdAt === undefined ? null : new Date(createdAt).toISOString(), [P.referredByCode]: referredBy ?? null },
  });
  it.each([
    ['created after the capture (an earlier attempt of it)', 'api', contact(CAPTURED + 5_000), true],
    ['created moments before (a HubSpot form on the page, a double submit)', 'landing_page', contact(CAPTURED - 30_000), true],
    ['a contact from before the referral', 'landing_page', contact(CAPTURED - 2 * MINUTE), false],
    ['a HubSpot form\'s own contact, forwarded minutes later', 'hubspot_form', contact(CAPTURED - 5 * MINUTE), true],
    ['a HubSpot form submission matching an older contact', 'hubspot_form', contact(CAPTURED - 11 * MINUTE), false],
    ['a recent contact already referred by someone else', 'hubspot_form', contact(CAPTURED - 5 * MINUTE, 'OTHER234'), false],
    ['made by a cut-off attempt of this referral long ago', 'api', contact(CAPTURED - 60 * MINUTE, 'ANNA2345'), true],
    ['without a creation date', 'api', contact(undefined), false],
  ])('%s', (_what, source, found, own) => {
    expect(isOwnContact({ claim: claim(source as string), enrolment }, found)).toBe(own);
  });
});

/** Search lags behind writes in HubSpot: the contact step must not depend on it. */
describe.each(dialects)('the referred contact on %s', (dialect) => {
  let h: Harness;
  let program: Program;
  let now: number;
  beforeEach(async () => {
    now = CAPTURED;
    h = await startCapture(dialect, () => now);
    program = await createProgram(h);
  });
  afterEach(() => h.close());

  const searches = () => h.sandbox.stats.snapshot().byEndpoint['POST /crm/v3/objects/contacts/search'] ?? 0;

  it('a contact created a moment before is found without search and completed, not duplicated or flagged', async () => {
    const enrolment = await referrerWithCode(h, program);
    // Our own earlier call, or a HubSpot form on the same page: search would not show it yet.
    const made = await h.hubspot.crm.contacts.basicApi.create({ properties: { email: 'lena@example.com', firstname: 'Lena' }, associations: [] });
    now += 2_000;
    expect((await request(h.url).post('/api/referrals').send({ email: 'lena@example.com', code: enrolment.code, consent: true })).status).toBe(202);
    expect(await referralOf(h, 'lena@example.com')).toMatchObject({ referred_contact_id: made.id, flags: '[]' });
    expect([...h.sandbox.portal.records('contacts')].filter((c) => c.properties.email === 'lena@example.com')).toHaveLength(1);
    expect(h.sandbox.portal.get('contacts', made.id)!.properties).toMatchObject({ firstname: 'Lena', [P.referredByCode]: enrolment.code, [P.status]: 'captured' });
    expect(searches()).toBe(0);
  });

  it('a contact from before the capture is judged by its createdate: matched, flagged, untouched, without search', async () => {
    const enrolment = await referrerWithCode(h, program);
    const made = await h.hubspot.crm.contacts.basicApi.create({ properties: { email: 'max@example.com', lifecyclestage: 'customer' }, associations: [] });
    now += 10 * MINUTE;
    await request(h.url).post('/api/referrals').send({ email: 'Max@Example.com', firstname: 'Other', code: enrolment.code, consent: true });
    expect(await referralOf(h, 'max@example.com')).toMatchObject({ referred_contact_id: made.id, flags: '["existing_contact"]' });
    expect(h.sandbox.portal.get('contacts', made.id)!.properties[P.referredByCode]).toBeUndefined();
    expect(h.sandbox.portal.get('contacts', made.id)!.properties.firstname).toBeUndefined();
    expect(searches()).toBe(0);
  });

  it('a create that HubSpot refuses as a duplicate answers with the holder', async () => {
    const made = await h.hubspot.crm.contacts.basicApi.create({ properties: { email: 'nia@example.com' }, associations: [] });
    const match = await createContactUnlessTaken(h.gateway, 'create', { properties: { email: 'NIA@example.com' }, associations: [] });
    expect(match).toEqual({ id: made.id, existing: true });
  });
});
