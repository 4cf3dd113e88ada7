import { Client } from '@hubspot/api-client';
import { hubspotStatus } from '../../../server/hubspot/client';
import { HubSpotCallFailed, HubSpotGateway, RollingWindow } from '../../../server/hubspot/gateway';
import { CompletionError } from '../../../server/sync/callback-completion';

/** Virtual time: sleeping advances the clock, so pacing is observable without waiting. */
function virtualTime() {
  let now = 0;
  return { clock: () => now, sleep: async (ms: number) => { now += ms; } };
}

const httpError = (code: number, body: unknown = {}, headers: Record<string, string> = {}) => Object.assign(new Error(`HTTP ${code}`), { code, body, headers });
const client = {} as Client;

describe('RollingWindow', () => {
  it('never grants more than max within any window', () => {
    const w = new RollingWindow(3, 1000);
    expect([0, 0, 0].map(() => w.tryTake(0))).toEqual([0, 0, 0]);
    expect(w.tryTake(400)).toBe(600);
    expect(w.tryTake(1000)).toBe(0);
    expect(w.tryTake(1000)).toBe(0);
    expect(w.tryTake(1000)).toBe(0);
    expect(w.tryTake(1500)).toBe(500);
  });
});

describe('HubSpotGateway', () => {
  it('paces searches to the per-second limit, evenly spaced rather than in bursts', async () => {
    const t = virtualTime();
    const gateway = new HubSpotGateway(client, { limits: { perTenSeconds: 1000, searchesPerSecond: 5 }, marginMs: 0, ...t });
    const sentAt: number[] = [];
    for (let i = 0; i < 12; i++) await gateway.call('search', 'search', async () => sentAt.push(t.clock()));
    expect(sentAt.slice(0, 6)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(sentAt[10]).toBe(2000);
    // Never more than 5 in any second.
    for (let i = 5; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 5]!).toBeGreaterThanOrEqual(1000);
    expect(gateway.stats.searches).toBe(12);
  });

  it('keeps ordinary calls under the rolling 10-second limit', async () => {
    const t = virtualTime();
    const gateway = new HubSpotGateway(client, { limits: { perTenSeconds: 190, searchesPerSecond: 5 }, marginMs: 0, ...t });
    const sentAt: number[] = [];
    for (let i = 0; i < 400; i++) await gateway.call('write', 'update', async () => sentAt.push(t.clock()));
    for (let i = 0; i + 190 < sentAt.length; i++) expect(sentAt[i + 190]! - sentAt[i]!).toBeGreaterThanOrEqual(10_000);
    expect(sentAt[399]).toBe(20_000);
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    const t = virtualTime();
    const gateway = new HubSpotGateway(client, { limits: { perTenSeconds: 190, searchesPerSecond: 5 }, ...t });
    let calls = 0;
    const result = await gateway.call('write', 'update', async () => {
      calls++;
      if (calls === 1) throw httpError(429, { policyName: 'TEN_SECONDLY_ROLLING' }, { 'retry-after': '3' });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(t.clock()).toBe(3000);
    expect(gateway.stats).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
  });

  it('retries 5xx with backoff and gives up with a message naming the call', async () => {
    const t = virtualTime();
    const gateway = new HubSpotGateway(client, { limits: { perTenSeconds: 190, searchesPerSecond: 5 }, maxAttempts: 3, ...t });
    await expect(gateway.call('write', 'update 100 contacts', async () => { throw httpError(503, { message: 'Service unavailable' }); }))
      .rejects.toThrow('HubSpot update 100 contacts failed after 3 attempts: HTTP 503 (Service unavailable)');
    expect(gateway.stats.serverErrors).toBe(3);
  });

  it('does not retry a request HubSpot refuses as invalid', async () => {
    const t = virtualTime();
    const gateway = new HubSpotGateway(client, { limits: { perTenSeconds: 190, searchesPerSecond: 5 }, ...t });
    const failure = gateway.call('write', 'create contact', async () => { throw httpError(400, { message: 'Property values were not valid' }); });
    await expect(failure).rejects.toBeInstanceOf(HubSpotCallFailed);
    await expect(failure).rejects.toMatchObject({ status: 400, attempts: 1 });
  });

  it('repeats a create after a 429 but not after a 5xx, which may have come after HubSpot made the record', async () => {
    const t = virtualTime();
    const gateway = new HubSpotGateway(client, { limits: { perTenSeconds: 190, searchesPerSecond: 5 }, ...t });
    const answers = [httpError(429, { policyName: 'SECONDLY' }), httpError(502)];
    let calls = 0;
    const failure = gateway.call('create', 'create a task', async () => {
      calls++;
      throw answers.shift() ?? new Error('not reached');
    });
    await expect(failure).rejects.toMatchObject({ status: 502, attempts: 2 });
    expect(calls).toBe(2);
    // Callers tell HubSpot's answers apart from the gateway's error as from the client's.
    expect(hubspotStatus(await failure.catch((err: unknown) => err))).toBe(502);
  });

  it('gives a caller that someone waits on only the attempts it asks for', async () => {
    const t = virtualTime();
    const gateway = new HubSpotGateway(client, { limits: { perTenSeconds: 190, searchesPerSecond: 5 }, ...t });
    let calls = 0;
    await expect(gateway.call('read', 'read a deal', async () => { calls++; throw httpError(500); }, { maxAttempts: 2 }))
      .rejects.toMatchObject({ status: 500, attempts: 2 });
    expect(calls).toBe(2);
  });

  it("honours Retry-After on a callback completion's 429", async () => {
    const t = virtualTime();
    const gateway = new HubSpotGateway(client, { limits: { perTenSeconds: 190, searchesPerSecond: 5 }, ...t });
    let calls = 0;
    await gateway.call('write', 'complete a callback', async () => {
      calls++;
      if (calls === 1) throw new CompletionError(429, '{"policyName":"TEN_SECONDLY_ROLLING"}', { 'retry-after': '4' });
    });
    expect(t.clock()).toBe(4000);
  });

  it("gives jobs fewer attempts on the same account's limiter", async () => {
    const t = virtualTime();
    const gateway = new HubSpotGateway(client, { limits: { perTenSeconds: 4, searchesPerSecond: 5 }, marginMs: 0, ...t });
    const jobs = gateway.withMaxAttempts(2);
    const sentAt: number[] = [];
    for (let i = 0; i < 4; i++) await (i % 2 ? jobs : gateway).call('write', 'update', async () => sentAt.push(t.clock()));
    await jobs.call('write', 'update', async () => sentAt.push(t.clock()));
    // The fifth call waits for the window both share.
    expect(sentAt).toEqual([0, 0, 0, 0, 10_000]);
    expect(gateway.stats.requests).toBe(5);
    let calls = 0;
    await expect(jobs.call('write', 'update', async () => { calls++; throw httpError(503); })).rejects.toMatchObject({ attempts: 2 });
    expect(calls).toBe(2);
  });
});
