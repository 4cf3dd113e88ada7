import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { createHubSpotClient } from '../../../server/hubspot/client';
import { HubSpotGateway, TIER_LIMITS } from '../../../server/hubspot/gateway';
import { readDeals } from '../../../server/hubspot/live-data';

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
});
