import { apiError, buildContact, buildDeal, startCrmSandbox, type CrmSandbox } from './support/crm-sandbox';

let sandbox: CrmSandbox;
beforeEach(async () => { sandbox = await startCrmSandbox(); });
afterEach(async () => { await sandbox.close(); });

const contacts = () => sandbox.client.crm.contacts;
const create = (properties: Record<string, string>) => contacts().basicApi.create({ properties, associations: [] });

describe('single records', () => {
  test('create returns a numeric id and maintains hs_object_id, createdate and lastmodifieddate', async () => {
    const created = await create(buildContact({ firstname: 'Ada' }));
    expect(created.id).toMatch(/^\d+$/);
    expect(created.properties).toMatchObject({
      hs_object_id: created.id, firstname: 'Ada',
      createdate: '2026-03-02T09:00:00.000Z', lastmodifieddate: '2026-03-02T09:00:00.000Z',
    });
    sandbox.clock.advance(60_000);
    const updated = await contacts().basicApi.update(created.id, { properties: { firstname: 'Ada L.' } });
    expect(updated.properties.lastmodifieddate).toBe('2026-03-02T09:01:00.000Z');
    expect(updated.updatedAt.toISOString()).toBe('2026-03-02T09:01:00.000Z');
  });

  test('get without properties returns HubSpot defaults; requested ones without value are null', async () => {
    const { id } = await create(buildContact({ phone: '+1 555 0100' }));
    const plain = await contacts().basicApi.getById(id);
    expect(Object.keys(plain.properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
    const chosen = await contacts().basicApi.getById(id, ['phone', 'lifecyclestage']);
    expect(chosen.properties).toMatchObject({ phone: '+1 555 0100', lifecyclestage: null, hs_object_id: id });
  });

  test('a contact can be read by email via idProperty, case-insensitively', async () => {
    const { id } = await create(buildContact({ email: 'Mixed.Case@Example.org' }));
    const found = await contacts().basicApi.getById('mixed.case@example.org', undefined, undefined, undefined, false, 'email');
    expect(found.id).toBe(id);
  });

  test('a taken email is a 409 CONFLICT naming the existing id, whatever its case', async () => {
    const { id } = await create(buildContact({ email: 'taken@example.org' }));
    const error = await apiError(create(buildContact({ email: 'TAKEN@example.org' })));
    expect(error.code).toBe(409);
    expect(error.body).toMatchObject({ status: 'error', category: 'CONFLICT', message: `Contact already exists. Existing ID: ${id}` });
    expect(error.body.correlationId).toEqual(expect.any(String));
  });

  test('an enumeration value outside the options is a 400 VALIDATION_ERROR naming the property', async () => {
    const error = await apiError(create(buildContact({ lifecyclestage: 'champion' })));
    expect(error.code).toBe(400);
    expect(error.body.category).toBe('VALIDATION_ERROR');
    expect(error.body.message).toContain('lifecyclestage');
    expect(error.body.message).toContain('INVALID_OPTION');
    expect(error.body.errors).toEqual([expect.objectContaining({ code: 'INVALID_OPTION', context: { propertyName: ['lifecyclestage'] } })]);
    expect(sandbox.portal.count('contacts')).toBe(0);
  });

  test('unknown and read-only properties are refused, all problems listed at once', async () => {
    const error = await apiError(create(buildContact({ shoe_size: '42', hs_object_id: '5' })));
    expect(error.code).toBe(400);
    const codes = (error.body.errors as Array<{ code: string }>).map((e) => e.code).sort();
    expect(codes).toEqual(['PROPERTY_DOESNT_EXIST', 'READ_ONLY_VALUE']);
  });

  test('typed values are normalised: numbers, datetimes, and deal stages must belong to the pipeline', async () => {
    const deal = await sandbox.client.crm.deals.basicApi.create({
      properties: buildDeal({ amount: '1500.50', closedate: String(Date.parse('2026-04-01T12:00:00Z')) }), associations: [],
    });
    expect(deal.properties).toMatchObject({ amount: '1500.5', closedate: '2026-04-01T12:00:00.000Z', pipeline: 'default' });
    const badAmount = await apiError(sandbox.client.crm.deals.basicApi.create({ properties: buildDeal({ amount: 'lots' }), associations: [] }));
    expect(badAmount.body.message).toContain('amount');
    const badStage = await apiError(sandbox.client.crm.deals.basicApi.create({ properties: buildDeal({ dealstage: 'won' }), associations: [] }));
    expect(badStage.code).toBe(400);
    expect(badStage.body.message).toContain('dealstage');
  });

  test('a missing record is a 404 OBJECT_NOT_FOUND; archive is 204 and hides the record', async () => {
    const missing = await apiError(contacts().basicApi.getById('999999'));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    const { id } = await create(buildContact());
    await contacts().basicApi.archive(id);
    expect((await apiError(contacts().basicApi.getById(id))).code).toBe(404);
    const archived = await contacts().basicApi.getById(id, undefined, undefined, undefined, true);
    expect(archived.archived).toBe(true);
  });

  test('every value change is in the history with timestamp and source, newest first', async () => {
    const { id } = await create(buildContact({ lifecyclestage: 'lead' }));
    sandbox.clock.advance(1000);
    await contacts().basicApi.update(id, { properties: { lifecyclestage: 'opportunity' } });
    sandbox.clock.advance(1000);
    sandbox.portal.update('contacts', id, { lifecyclestage: 'customer' }, { source: { sourceType: 'AUTOMATION_PLATFORM', sourceId: 'wf-7' } });
    const read = await contacts().basicApi.getById(id, ['lifecyclestage'], ['lifecyclestage', 'firstname']);
    expect(read.propertiesWithHistory!.lifecyclestage!.map((v) => [v.value, v.timestamp.toISOString(), v.sourceType])).toEqual([
      ['customer', '2026-03-02T09:00:02.000Z', 'AUTOMATION_PLATFORM'],
      ['opportunity', '2026-03-02T09:00:01.000Z', 'INTEGRATION'],
      ['lead', '2026-03-02T09:00:00.000Z', 'INTEGRATION'],
    ]);
    expect(read.propertiesWithHistory!.firstname).toHaveLength(1);
  });

  test('writes emit change events with before and after values', async () => {
    const events: unknown[] = [];
    sandbox.portal.on('change', (e) => events.push(e));
    const { id } = await create(buildContact({ lifecyclestage: 'lead' }));
    await contacts().basicApi.update(id, { properties: { lifecyclestage: 'customer', firstname: 'Same' } });
    await contacts().basicApi.update(id, { properties: { firstname: 'Same' } }); // no change, no event
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      kind: 'update', objectType: 'contacts', objectId: id,
      changes: { lifecyclestage: { from: 'lead', to: 'customer' }, firstname: { to: 'Same' } },
    });
  });

  test('list pages through records with after cursors', async () => {
    for (let i = 0; i < 5; i++) await create(buildContact());
    const first = await contacts().basicApi.getPage(2);
    expect(first.results).toHaveLength(2);
    const second = await contacts().basicApi.getPage(2, first.paging!.next!.after);
    expect(second.results.map((r) => Number(r.id))).toEqual(first.results.map((r) => Number(r.id) + 2));
  });
});

describe('batch', () => {
  test('101 inputs are refused with 400 VALIDATION_ERROR and nothing is written', async () => {
    const inputs = Array.from({ length: 101 }, () => ({ properties: buildContact(), associations: [] }));
    const error = await apiError(contacts().batchApi.create({ inputs }));
    expect(error.code).toBe(400);
    expect(error.body.category).toBe('VALIDATION_ERROR');
    expect(error.body.message).toContain('100');
    expect(sandbox.portal.count('contacts')).toBe(0);
    const ok = await contacts().batchApi.create({ inputs: inputs.slice(0, 100) });
    expect(ok.status).toBe('COMPLETE');
    expect(ok.results).toHaveLength(100);
  });

  test('batch create is all or nothing: one taken email fails the batch with 409', async () => {
    const { id } = await create(buildContact({ email: 'first@example.org' }));
    const error = await apiError(contacts().batchApi.create({ inputs: [
      { properties: buildContact(), associations: [] },
      { properties: buildContact({ email: 'first@example.org' }), associations: [] },
    ] }));
    expect(error.code).toBe(409);
    expect(error.body.message).toBe(`Contact already exists. Existing ID: ${id}`);
    expect(sandbox.portal.count('contacts')).toBe(1);
  });

  test('batch read returns found records and a 207 error listing missing ids', async () => {
    const a = await create(buildContact());
    const response = await sandbox.client.apiRequest({
      method: 'POST', path: '/crm/v3/objects/contacts/batch/read',
      body: { inputs: [{ id: a.id }, { id: '424242' }], properties: ['email'] },
    });
    expect(response.status).toBe(207);
    const body = await response.json();
    expect(body.results.map((r: { id: string }) => r.id)).toEqual([a.id]);
    expect(body.errors[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['424242'] } });
    expect(body).toEqual(expect.objectContaining({ status: 'COMPLETE', startedAt: expect.any(String), completedAt: expect.any(String) }));
  });

  test('batch update changes every input and validates them all first', async () => {
    const a = await create(buildContact());
    const b = await create(buildContact());
    const bad = await apiError(contacts().batchApi.update({ inputs: [
      { id: a.id, properties: { lifecyclestage: 'lead' } }, { id: b.id, properties: { lifecyclestage: 'nope' } },
    ] }));
    expect(bad.code).toBe(400);
    expect(sandbox.portal.get('contacts', a.id)!.properties.lifecyclestage).toBeUndefined();
    const ok = await contacts().batchApi.update({ inputs: [
      { id: a.id, properties: { lifecyclestage: 'lead' } }, { id: b.id, properties: { lifecyclestage: 'customer' } },
    ] });
    expect(ok.results.map((r) => r.properties.lifecyclestage).sort()).toEqual(['customer', 'lead']);
  });

  test('upsert by email updates existing contacts and creates the rest, flagging which are new', async () => {
    const existing = await create(buildContact({ email: 'known@example.org' }));
    const result = await contacts().batchApi.upsert({ inputs: [
      { id: 'KNOWN@example.org', idProperty: 'email', properties: { firstname: 'Known' } },
      { id: 'new@example.org', idProperty: 'email', properties: { firstname: 'New' } },
    ] });
    const byEmail = Object.fromEntries(result.results.map((r) => [r.properties.email, r]));
    expect(byEmail['known@example.org']).toMatchObject({ id: existing.id, _new: false });
    expect(byEmail['new@example.org']).toMatchObject({ _new: true });
    expect(sandbox.portal.count('contacts')).toBe(2);
  });

  test('batch archive answers 204 and removes the records', async () => {
    const a = await create(buildContact());
    await contacts().batchApi.archive({ inputs: [{ id: a.id }] });
    expect(sandbox.portal.get('contacts', a.id)).toBeUndefined();
  });
});
