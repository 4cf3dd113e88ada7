import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { createHubSpotClient } from '../../../server/hubspot/client';
import { HubSpotGateway, TIER_LIMITS } from '../../../server/hubspot/gateway';
import { PORTAL_SETTINGS_TTL_MS, PortalSettings, readDeals } from '../../../server/hubspot/live-data';

describe('live HubSpot reads', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ accessToken: 'live-data-token' });
  });
  afterAll(() => sandbox.close());

  it('reads more deals with stage history than HubSpot allows in one batch (50)', async () => {
    const client = createHubSpotClient({ accessToken: 'live-data-token', apiBase: sandbox.url, retries: 0 });
    const created = await client.crm.deals.batchApi.create({
      inputs: Array.from({ length: 60 }, (_, i) => ({
        properties: { dealname: `Deal ${i}`, pipeline: 'default', dealstage: 'closedwon' }, associations: [],
      })),
    });
    const deals = await readDeals(new HubSpotGateway(client, { limits: TIER_LIMITS.professional }), created.results.map((d) => d.id));
    expect(deals).toHaveLength(60);
    expect(deals.every((d) => d.stageId === 'closedwon' && d.stageHistory.at(-1)?.value === 'closedwon')).toBe(true);
  });

  it("reads a deal's amount (as the portal normalises it) and currency code, and none when they are unset", async () => {
    const client = createHubSpotClient({ accessToken: 'live-data-token', apiBase: sandbox.url, retries: 0 });
    const created = await client.crm.deals.batchApi.create({
      inputs: [
        { properties: { dealname: 'Priced', pipeline: 'default', dealstage: 'closedwon', amount: '12000.50', deal_currency_code: 'EUR' }, associations: [] },
        { properties: { dealname: 'Unpriced', pipeline: 'default', dealstage: 'closedwon' }, associations: [] },
      ],
    });
    const deals = await readDeals(new HubSpotGateway(client, { limits: TIER_LIMITS.professional }), created.results.map((d) => d.id));
    expect(deals.map(({ amount, currencyCode }) => ({ amount, currencyCode }))).toEqual([
      { amount: '12000.5', currencyCode: 'EUR' },
      { amount: null, currencyCode: null },
    ]);
  });

  it("reads the portal's company currency from HubSpot's account details, once per cache period", async () => {
    const client = createHubSpotClient({ accessToken: 'live-data-token', apiBase: sandbox.url, retries: 0 });
    let now = 0;
    const settings = new PortalSettings(new HubSpotGateway(client, { limits: TIER_LIMITS.professional }), () => now);
    sandbox.portal.account.companyCurrency = 'CHF';
    expect(await settings.companyCurrency()).toBe('CHF');
    sandbox.portal.account.companyCurrency = 'GBP';
    expect(await settings.companyCurrency()).toBe('CHF');
    now += PORTAL_SETTINGS_TTL_MS;
    expect(await settings.companyCurrency()).toBe('GBP');
  });
});
