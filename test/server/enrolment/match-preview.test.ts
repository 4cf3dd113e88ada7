import request from 'supertest';
import type { MatchPreview, WhyAnswer } from '../../../src/app/packages/contracts/explain';
import { dialects } from '../../support/databases';
import { addContacts } from '../../support/contacts';
import { ADMIN_HEADERS, createProgram, startHarness, type Harness } from '../../support/harness';

const preview = (h: Harness, body: unknown) => request(h.url).post('/api/enrolment-preview').set(ADMIN_HEADERS).send(body as object);
const eq = (propertyName: string, value: string) => ({ propertyName, operator: 'EQ' as const, value });

describe.each(dialects)('Who matches the enrolment criteria, on %s', (dialect) => {
  let h: Harness;
  let evangelists: string[];
  beforeAll(async () => {
    h = await startHarness({ dialect });
    h.sandbox.portal.clearRecords();
    evangelists = addContacts(h, 7, (i) => ({ lifecyclestage: 'evangelist', firstname: `Eva${i}`, lastname: 'Angel', company: i < 3 ? 'Acme' : 'Globex' }));
    addContacts(h, 4, () => ({ lifecyclestage: 'lead' }));
  });
  afterAll(() => h.close());

  test('counts the contacts the draft criteria match and names five of them, linked to their records', async () => {
    const res = await preview(h, { criteria: [{ filters: [eq('lifecyclestage', 'evangelist')] }] });
    expect(res.status).toBe(200);
    const answer = res.body as MatchPreview;
    expect(answer.total).toBe(7);
    expect(answer.examples).toHaveLength(5);
    const portalId = h.sandbox.portal.portalId;
    expect(answer.examples[0]).toEqual({
      contactId: evangelists[0], name: 'Eva0 Angel', email: expect.stringMatching(/@example\.com$/), enrolled: false,
      url: `https://app.hubspot.com/contacts/${portalId}/record/0-1/${evangelists[0]}`,
    });
  });

  test('groups are ORed and conditions in a group ANDed, as bulk enrolment searches them', async () => {
    const both = await preview(h, { criteria: [{ filters: [eq('lifecyclestage', 'evangelist'), eq('company', 'Acme')] }] });
    expect(both.body.total).toBe(3);
    const either = await preview(h, { criteria: [{ filters: [eq('company', 'Acme')] }, { filters: [eq('lifecyclestage', 'lead')] }] });
    expect(either.body.total).toBe(7);
  });

  test('no criteria: every contact matches', async () => {
    expect((await preview(h, { criteria: [] })).body.total).toBe(11);
  });

  test('criteria HubSpot cannot search are refused at the condition that does not fit, before HubSpot is asked', async () => {
    h.sandbox.stats.reset();
    const crowded = { filters: Array.from({ length: 5 }, (_, i) => eq('company', `T${i}`)) };
    const res = await preview(h, { criteria: [crowded] });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([{ path: 'enrolment.criteria.0.filters.4.propertyName', message: expect.stringMatching(/at most 4/) }]);
    const sixGroups = await preview(h, { criteria: Array.from({ length: 6 }, () => ({ filters: [eq('company', 'Acme')] })) });
    expect(sixGroups.status).toBe(400);
    expect(sixGroups.body.error.details.issues[0].path).toBe('enrolment.criteria.5.filters.0.propertyName');
    expect(h.sandbox.stats.snapshot().byEndpoint['POST /crm/v3/objects/contacts/search']).toBeUndefined();
  });

  test('a malformed condition is refused naming its field; a property the portal lacks, naming that condition', async () => {
    const noValue = await preview(h, { criteria: [{ filters: [{ propertyName: 'company', operator: 'EQ' }] }] });
    expect(noValue.status).toBe(400);
    expect(noValue.body.error.details.issues).toEqual([{ path: 'enrolment.criteria.0.filters.0.value', message: 'Enter a value to compare company with' }]);
    const unknown = await preview(h, { criteria: [{ filters: [eq('lifecyclestage', 'lead'), eq('favourite_colour', 'teal')] }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues).toEqual([{ path: 'enrolment.criteria.0.filters.1.propertyName', message: expect.stringContaining('favourite_colour') }]);
    expect((await preview(h, { criteria: [], extra: true })).body.error.details.issues[0].path).toBe('extra');
  });

  test('a burst of previews (an admin typing in several tabs) is paced under HubSpot\'s search limit: no 429 reaches the portal\'s log', async () => {
    h.sandbox.stats.reset();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => preview(h, { criteria: [{ filters: [eq('company', `Co${i}`)] }] })));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    const stats = h.sandbox.stats.snapshot();
    expect(stats.byEndpoint['POST /crm/v3/objects/contacts/search']).toBe(12);
    expect(stats.byStatus['429']).toBeUndefined();
  });

  test('needs the admin key', async () => {
    expect((await request(h.url).post('/api/enrolment-preview').send({ criteria: [] })).status).toBe(401);
  });
});

describe('Which enrolment rule a contact matches ("why?")', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const why = async (contactId: string, program = 'spring') =>
    (await request(h.url).get(`/api/contacts/${contactId}/why?program=${program}`).set(ADMIN_HEADERS)).body as WhyAnswer;

  test('names the rule that matched, or each rule\'s failing condition with the value it failed on', async () => {
    await createProgram(h, {
      status: 'active',
      enrolment: { criteria: [{ filters: [eq('lifecyclestage', 'evangelist'), eq('company', 'Acme')] }, { filters: [eq('company', 'Initech')] }] },
    });
    const [founder, lead] = addContacts(h, 2, (i): Record<string, string> => (i === 0 ? { company: 'Initech' } : { lifecyclestage: 'lead', company: 'Hooli' }));

    const matched = (await why(founder!)).programs[0]!.enrolment;
    expect(matched).toMatchObject({ wouldEnrol: true, matchedGroup: 1, reason: 'Matches enrolment rule 2: all its conditions hold' });
    expect(matched.groups[0]!.filters.map((f) => [f.propertyName, f.actual, f.matched])).toEqual([['lifecyclestage', 'customer', false], ['company', 'Initech', false]]);

    const missed = (await why(lead!)).programs[0]!.enrolment;
    expect(missed).toMatchObject({ wouldEnrol: false, matchedGroup: null });
    expect(missed.reason).toBe('Matches none of the enrolment rules (rule 1: lifecyclestage is evangelist (it is "lead"), company is Acme (it is "Hooli"); rule 2: company is Initech (it is "Hooli"))');
  });

  test('an enrolled contact, a draft program and a contact HubSpot lacks', async () => {
    await createProgram(h, { id: 'draft-one', status: 'draft' });
    const [someone] = addContacts(h, 1);
    expect((await why(someone!, 'draft-one')).programs[0]!.enrolment.reason).toBe('Spring referrals is draft: nobody is enrolled until it is active');
    const missing = await request(h.url).get('/api/contacts/999999/why?program=draft-one').set(ADMIN_HEADERS);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/HubSpot has no contact 999999/);
  });

  test('bad input is a 400 naming it; an unknown program a 404', async () => {
    const notAnId = await request(h.url).get('/api/contacts/abc/why').set(ADMIN_HEADERS);
    expect(notAnId.status).toBe(400);
    expect(notAnId.body.error.details.issues[0].path).toBe('contactId');
    const badProgram = await request(h.url).get('/api/contacts/101/why?program=Not%20A%20Program').set(ADMIN_HEADERS);
    expect(badProgram.status).toBe(400);
    expect(badProgram.body.error.details.issues[0].path).toBe('program');
    expect((await request(h.url).get('/api/contacts/101/why?program=nope').set(ADMIN_HEADERS)).status).toBe(404);
  });

  test('finds contacts by name through search, and by a whole email at once', async () => {
    const [maria] = addContacts(h, 1, () => ({ firstname: 'Mariangela', lastname: 'Quist', email: 'mq@example.org' }));
    const byName = await request(h.url).get('/api/contacts/search?q=mariangela').set(ADMIN_HEADERS);
    expect(byName.status).toBe(200);
    expect(byName.body.contacts).toEqual([expect.objectContaining({ contactId: maria, name: 'Mariangela Quist', email: 'mq@example.org' })]);
    // Created through the API a moment ago: search does not see it yet, a read by email does.
    const fresh = await h.hubspot.crm.contacts.basicApi.create({ properties: { email: 'fresh@example.org', firstname: 'Fresh' }, associations: [] });
    expect((await request(h.url).get('/api/contacts/search?q=Fresh').set(ADMIN_HEADERS)).body.contacts).toEqual([]);
    expect((await request(h.url).get('/api/contacts/search?q=fresh@example.org').set(ADMIN_HEADERS)).body.contacts).toEqual([expect.objectContaining({ contactId: fresh.id })]);
    const tooShort = await request(h.url).get('/api/contacts/search?q=a').set(ADMIN_HEADERS);
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error.details.issues).toEqual([{ path: 'q', message: 'Enter 2 to 100 characters of a name or an email' }]);
  });
});

test('HubSpot failing is a 502 that says so, after the gateway\'s retries', async () => {
  const h = await startHarness({ setUp: false, sandbox: { faults: { rate: 1, statuses: [503] } } });
  try {
    const res = await preview(h, { criteria: [] });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: 'UPSTREAM_FAILED', message: expect.stringMatching(/failed after 2 attempts: HTTP 503.*Nothing was changed/) });
  } finally {
    await h.close();
  }
});
