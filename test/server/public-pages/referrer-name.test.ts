import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { createHubSpotClient } from '../../../server/hubspot/client';
import { HubSpotGateway, TIER_LIMITS } from '../../../server/hubspot/gateway';
import { displayFirstName, REFERRER_NAME_TTL_MS, referrerNames } from '../../../server/public-pages/referrer-name';

describe('displayFirstName', () => {
  it('keeps a first name and nothing else about the person', () => {
    expect(['Rita', '  Rita Smith ', 'Jean-Luc', "D'Arcy", 'Zoë', 'José María'].map(displayFirstName))
      .toEqual(['Rita', 'Rita', 'Jean-Luc', "D'Arcy", 'Zoë', 'José']);
  });

  it('shows no name for what is not one', () => {
    expect(['rita@example.com', '', '   ', '12345', '<b>Rita</b>', 'R1ta', 'A'.repeat(31), null, undefined].map(displayFirstName))
      .toEqual(Array(9).fill(undefined));
  });
});

describe('referrerNames', () => {
  let sandbox: RunningSandbox;
  let gateway: HubSpotGateway;
  beforeAll(async () => {
    sandbox = await startSandbox({ accessToken: 'names-token' });
    gateway = new HubSpotGateway(createHubSpotClient({ accessToken: 'names-token', apiBase: sandbox.url, retries: 0 }), { limits: TIER_LIMITS.professional });
  });
  afterAll(() => sandbox.close());

  it('reads the first name once per period, however many visits ask at once', async () => {
    const rita = sandbox.portal.create('contacts', { email: 'rita@example.com', firstname: 'Rita Smith', lastname: 'Smith' }).id;
    let now = 1_000_000;
    const names = referrerNames({ gateway, clock: () => now, deadline: () => new Promise(() => {}) });
    const before = gateway.stats.requests;
    expect(await Promise.all([names.firstName(rita), names.firstName(rita), names.firstName(rita)])).toEqual(['Rita', 'Rita', 'Rita']);
    expect(gateway.stats.requests - before).toBe(1);

    sandbox.portal.update('contacts', rita, { firstname: 'Margarita' });
    now += REFERRER_NAME_TTL_MS - 1;
    expect(await names.firstName(rita)).toBe('Rita');
    now += 1;
    expect(await names.firstName(rita)).toBe('Margarita');
    expect(gateway.stats.requests - before).toBe(2);
  });

  it('shows no name when the contact cannot be read, and does not wait on HubSpot past its deadline', async () => {
    const names = referrerNames({ gateway, clock: () => 0, deadline: () => new Promise(() => {}) });
    expect(await names.firstName('999999999')).toBeUndefined();
    const id = sandbox.portal.create('contacts', { email: 'slow@example.com', firstname: 'Sam' }).id;
    const impatient = referrerNames({ gateway, clock: () => 0, deadline: () => Promise.resolve() });
    expect(await impatient.firstName(id)).toBeUndefined();
  });
});
