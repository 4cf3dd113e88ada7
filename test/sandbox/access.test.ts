import { apiError, buildContact, startCrmSandbox, type CrmSandbox } from './support/crm-sandbox';

let sandbox: CrmSandbox | undefined;
afterEach(async () => { await sandbox?.close(); sandbox = undefined; });

const searchBody = { filterGroups: [], sorts: [], properties: ['email'], limit: 10, after: '0' };

describe('authentication', () => {
  test('a wrong or missing bearer token is a 401 INVALID_AUTHENTICATION', async () => {
    sandbox = await startCrmSandbox();
    const wrong = await apiError(sandbox.clientWithToken('not-the-token').crm.contacts.basicApi.getPage());
    expect(wrong.code).toBe(401);
    expect(wrong.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    const missing = await fetch(`${sandbox.url}/crm/v3/objects/contacts`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ category: 'INVALID_AUTHENTICATION', correlationId: expect.any(String) });
  });
});

describe('rate limits', () => {
  test('non-search responses carry X-HubSpot-RateLimit headers; search responses carry none', async () => {
    sandbox = await startCrmSandbox({ tier: 'starter' });
    const info = await sandbox.client.crm.contacts.basicApi.getPageWithHttpInfo();
    expect(info.headers).toMatchObject({
      'x-hubspot-ratelimit-max': '100', 'x-hubspot-ratelimit-remaining': '99',
      'x-hubspot-ratelimit-interval-milliseconds': '10000', 'x-hubspot-ratelimit-daily': '250000',
      'x-hubspot-ratelimit-daily-remaining': '249999',
    });
    const found = await sandbox.client.crm.contacts.searchApi.doSearchWithHttpInfo(searchBody);
    expect(Object.keys(found.headers).filter((h) => h.startsWith('x-hubspot-ratelimit'))).toEqual([]);
  });

  test('a burst of searches gets 429 with policyName SECONDLY; the next second admits again', async () => {
    sandbox = await startCrmSandbox();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await sandbox.client.apiRequest({ method: 'POST', path: '/crm/v3/objects/contacts/search', body: searchBody });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(await response.json()).toMatchObject({
          status: 'error', errorType: 'RATE_LIMIT', policyName: 'SECONDLY', message: 'You have reached your secondly limit.',
          correlationId: expect.any(String),
        });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    sandbox.clock.advance(1000);
    await expect(sandbox.client.crm.contacts.searchApi.doSearch(searchBody)).resolves.toMatchObject({ total: 0 });
  });

  test('the ten-second rolling window refuses call 191 on professional, and scale multiplies it', async () => {
    sandbox = await startCrmSandbox({ tier: 'professional' });
    for (let i = 0; i < 190; i++) await sandbox.client.apiRequest({ path: '/crm/v3/owners' });
    const refused = await sandbox.client.apiRequest({ path: '/crm/v3/owners' });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING', message: 'You have reached your ten_secondly_rolling limit.' });
    expect(refused.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    sandbox.clock.advance(10_000);
    expect((await sandbox.client.apiRequest({ path: '/crm/v3/owners' })).status).toBe(200);

    const scaled = await startCrmSandbox({ tier: 'free', scale: 10 });
    const info = await scaled.client.crm.owners.ownersApi.getPageWithHttpInfo();
    expect(info.headers['x-hubspot-ratelimit-max']).toBe('1000');
    await scaled.close();
  });

  test('the daily allowance ends with policyName DAILY', async () => {
    sandbox = await startCrmSandbox({ dailyLimit: 3 });
    for (let i = 0; i < 3; i++) await sandbox.client.apiRequest({ path: '/crm/v3/owners' });
    const refused = await sandbox.client.apiRequest({ path: '/crm/v3/owners' });
    expect(await refused.json()).toMatchObject({ policyName: 'DAILY' });
    sandbox.clock.advance(24 * 3_600_000);
    expect((await sandbox.client.apiRequest({ path: '/crm/v3/owners' })).status).toBe(200);
  });
});

describe('fault injection', () => {
  test('rate 1 answers every call with one of the configured statuses, in HubSpot\'s shapes', async () => {
    sandbox = await startCrmSandbox({ faults: { rate: 1, statuses: [500] } });
    const error = await apiError(sandbox.client.crm.contacts.basicApi.create({ properties: buildContact(), associations: [] }));
    expect(error.code).toBe(500);
    expect(sandbox.portal.count('contacts')).toBe(0);

    sandbox.faults.configure({ statuses: [429] });
    const limited = await sandbox.client.apiRequest({ path: '/crm/v3/owners' });
    expect(await limited.json()).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });

    sandbox.faults.configure({ statuses: [502] });
    expect((await apiError(sandbox.client.crm.owners.ownersApi.getPage())).code).toBe(502);
  });

  test('a share of requests fails, reproducibly for a seed; admin endpoint changes it at runtime', async () => {
    sandbox = await startCrmSandbox();
    const configure = await fetch(`${sandbox.url}/sandbox/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rate: 0.3, statuses: [503], seed: 11 }),
    });
    expect(await configure.json()).toMatchObject({ rate: 0.3, statuses: [503], seed: 11 });
    const run = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) statuses.push((await sandbox!.client.apiRequest({ path: '/crm/v3/owners' })).status);
      return statuses;
    };
    const first = await run();
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(30);
    sandbox.faults.configure({ seed: 11 });
    sandbox.clock.advance(10_000);
    expect(await run()).toEqual(first);
  });

  test('latency and slow responses wait through the injected delay', async () => {
    const waits: number[] = [];
    sandbox = await startCrmSandbox({ faults: { latencyMs: 40, slowRate: 1, slowMs: 2000 }, delay: async (ms) => { waits.push(ms); } });
    await sandbox.client.crm.owners.ownersApi.getPage();
    expect(waits).toEqual([2040]);
  });
});

describe('admin endpoints', () => {
  test('stats count API calls by endpoint and status; reset empties the portal', async () => {
    sandbox = await startCrmSandbox();
    const { id } = await sandbox.client.crm.contacts.basicApi.create({ properties: buildContact(), associations: [] });
    await sandbox.client.crm.contacts.basicApi.getById(id);
    await apiError(sandbox.client.crm.contacts.basicApi.getById('999999'));
    const stats = await (await fetch(`${sandbox.url}/sandbox/stats`)).json();
    expect(stats).toEqual({
      total: 3,
      byEndpoint: { 'POST /crm/v3/objects/contacts': 1, 'GET /crm/v3/objects/contacts/{id}': 2 },
      byStatus: { 201: 1, 200: 1, 404: 1 },
    });
    expect((await fetch(`${sandbox.url}/sandbox/reset`, { method: 'POST' })).status).toBe(204);
    expect(sandbox.portal.count('contacts')).toBe(0);
    expect((await (await fetch(`${sandbox.url}/sandbox/stats`)).json()).total).toBe(0);
  });

  test('seed and rate-limit configuration through the admin API', async () => {
    sandbox = await startCrmSandbox();
    const seeded = await fetch(`${sandbox.url}/sandbox/seed`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contacts: 50, companies: 5, deals: 10, owners: 3, seed: 3 }),
    });
    expect(await seeded.json()).toMatchObject({ contacts: 50, companies: 5, deals: 10, owners: 3 });
    const limits = await fetch(`${sandbox.url}/sandbox/rate-limits`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tier: 'enterprise', scale: 10 }),
    });
    expect(await limits.json()).toMatchObject({ tier: 'enterprise', scale: 10, limits: { tenSecondly: 1900, searchPerSecond: 50 } });
  });
});
