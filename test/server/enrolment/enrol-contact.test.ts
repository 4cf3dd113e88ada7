import request from 'supertest';
import { signRequest } from '../../../sandbox';
import { P } from '../../../server/hubspot/properties';
import { addContacts } from '../../support/contacts';
import { ADMIN_HEADERS, TEST_CLIENT_SECRET, createProgram, startHarness, type Harness } from '../../support/harness';

function actionCall(h: Harness, body: object) {
  const raw = JSON.stringify(body);
  const path = '/hubspot/actions/enrol-contact';
  const headers: Record<string, string> = { ...signRequest({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: `${h.url}${path}`, body: raw, timestamp: Date.now() }) };
  return request(h.url).post(path).set(headers).set('content-type', 'application/json').send(raw);
}

const payload = (callbackId: string, contactId: string, program = 'spring') => ({
  callbackId, origin: { portalId: 1, actionDefinitionId: 2, actionDefinitionVersion: 1 }, context: { source: 'WORKFLOWS', workflowId: 77 },
  object: { objectId: Number(contactId), objectType: 'CONTACT', properties: {} }, inputFields: { program },
});

describe('enrolling one contact', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(() => h.close());

  it('the workflow action enrols once and answers every retry and later run with the same code', async () => {
    await createProgram(h, { enrolment: { vanityCodes: true } });
    const [id] = addContacts(h, 1, () => ({ firstname: 'Zoë' }));

    const first = await actionCall(h, payload('ap-1-1', id!));
    expect(first.status).toBe(200);
    expect(first.body.outputFields).toMatchObject({ enrolment_status: 'enrolled', hs_execution_state: 'SUCCESS' });
    const code = first.body.outputFields.referral_code as string;
    expect(code).toMatch(/^ZOE-[2-9A-Z]{4}$/);
    expect(h.sandbox.portal.get('contacts', id!)!.properties).toMatchObject({ [P.code]: code, [P.link]: `${h.url}/r/${code}` });

    const retry = await actionCall(h, payload('ap-1-1', id!));
    expect(retry.body).toEqual(first.body);
    const laterRun = await actionCall(h, payload('ap-1-2', id!));
    expect(laterRun.body.outputFields).toMatchObject({ enrolment_status: 'already_enrolled', referral_code: code });
    expect(await h.database.db.selectFrom('enrolments').selectAll().execute()).toHaveLength(1);
  });

  it('answers not_allowed for a contact outside the criteria, and refuses unsigned calls', async () => {
    await createProgram(h, { enrolment: { criteria: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }] }] } });
    const [lead] = addContacts(h, 1, () => ({ lifecyclestage: 'lead' }));
    const res = await actionCall(h, payload('ap-2-1', lead!));
    expect(res.body.outputFields).toMatchObject({ enrolment_status: 'not_allowed', referral_code: '' });
    expect(h.sandbox.portal.get('contacts', lead!)!.properties[P.code]).toBeUndefined();

    const unsigned = await request(h.url).post('/hubspot/actions/enrol-contact').send(payload('ap-2-2', lead!));
    expect(unsigned.status).toBe(401);
  });

  it('the workflow action enrols a contact created or changed moments ago, before search has indexed the write', async () => {
    await createProgram(h, { enrolment: { criteria: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }] }] } });
    const contacts = h.hubspot.crm.contacts;
    const [changed] = addContacts(h, 1, () => ({ lifecyclestage: 'lead' }));
    await contacts.basicApi.update(changed!, { properties: { lifecyclestage: 'customer' } });
    const created = await contacts.basicApi.create({ properties: { email: 'fresh@example.com', lifecyclestage: 'customer' }, associations: [] });
    // The sandbox's indexing delay is on (as in HubSpot): search does not see either write yet.
    const customers = await contacts.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ' as never, value: 'customer' }] }], limit: 10 });
    expect(customers.total).toBe(0);

    for (const [callbackId, id] of [['ap-4-1', changed!], ['ap-4-2', created.id]] as const) {
      const res = await actionCall(h, payload(callbackId, id));
      expect(res.body.outputFields).toMatchObject({ enrolment_status: 'enrolled', hs_execution_state: 'SUCCESS' });
      expect(h.sandbox.portal.get('contacts', id)!.properties[P.code]).toBe(res.body.outputFields.referral_code);
    }
  });

  it('the admin API enrols for the card: 201, then 200 with the same enrolment; refused when manual enrolment is off', async () => {
    await createProgram(h);
    const [id] = addContacts(h, 1);
    const created = await request(h.url).post('/api/programs/spring/enrolments').set(ADMIN_HEADERS).send({ contactId: id });
    expect(created.status).toBe(201);
    expect(created.body.enrolment).toMatchObject({ programId: 'spring', contactId: id, status: 'active', source: 'manual' });
    const again = await request(h.url).post('/api/programs/spring/enrolments').set(ADMIN_HEADERS).send({ contactId: Number(id) });
    expect(again.status).toBe(200);
    expect(again.body.enrolment.code).toBe(created.body.enrolment.code);

    await createProgram(h, { id: 'closed', enrolment: { allowManual: false } });
    const refused = await request(h.url).post('/api/programs/closed/enrolments').set(ADMIN_HEADERS).send({ contactId: id });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/does not allow enrolling contacts by hand/);
    const missing = await request(h.url).post('/api/programs/spring/enrolments').set(ADMIN_HEADERS).send({ contactId: '999999' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('No HubSpot contact with id 999999');
  });
});
