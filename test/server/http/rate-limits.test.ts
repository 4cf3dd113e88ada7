import request from 'supertest';
import type { Express } from 'express';
import { createCaptureFeature } from '../../../server/capture/routes';
import type { RateLimits } from '../../../server/config';
import { openDatabase, type Dialect } from '../../../server/db/database';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';
import { edgeApp, seedCodes } from './edge-app';

const START = Date.parse('2026-05-01T10:00:00Z');
const ANNA = 'ANNA-7K3Q';
const BERT = 'BERT-2345';
const PAUSED = 'PAUL-9999';

describe.each(dialects)('public rate limits on %s', (dialect: Dialect) => {
  let database: TestDatabase;
  let now: number;
  beforeEach(async () => {
    now = START;
    database = await createTestDatabase(dialect);
    await seedCodes(database, { [ANNA]: 'active', [BERT]: 'active', [PAUSED]: 'paused' }, now);
  });
  afterEach(() => database.drop());

  const appWith = (limits: Partial<RateLimits>, env: Record<string, string> = {}): Express =>
    edgeApp(database, { env, clock: () => now, features: [createCaptureFeature({ limits })] });
  const clicks = () => database.db.selectFrom('clicks').select(['code', 'enrolment_id']).orderBy('id').execute();
  const open = (app: Express, code: string, forwardedFor: string) => request(app).get(`/r/${code}`).set('X-Forwarded-For', forwardedFor);

  it('a rotating X-Forwarded-For is still one client when no proxy is trusted (the default)', async () => {
    const app = appWith({ pageViews: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await open(app, ANNA, `203.0.113.${i}`)).status);
    expect(statuses).toEqual([302, 302, 302, 302, 302, 429, 429, 429]);
    const limited = await open(app, ANNA, '198.51.100.1');
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBe('60');
    expect(await clicks()).toHaveLength(5);
  });

  it('with TRUST_PROXY naming the proxy, each forwarded address is its own client', async () => {
    const app = appWith({ pageViews: 2 }, { TRUST_PROXY: '127.0.0.1,::1' });
    expect((await open(app, ANNA, '203.0.113.1')).status).toBe(302);
    expect((await open(app, ANNA, '203.0.113.1')).status).toBe(302);
    expect((await open(app, ANNA, '203.0.113.1')).status).toBe(429);
    expect((await open(app, ANNA, '203.0.113.2')).status).toBe(302);
  });

  it('with a hop count, only the address the trusted proxy saw counts: forged entries to its left do not', async () => {
    const app = appWith({ pageViews: 2 }, { TRUST_PROXY: '1' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await open(app, ANNA, `10.9.9.${i}, 203.0.113.7`)).status);
    expect(statuses).toEqual([302, 302, 429, 429]);
  });

  it('an IPv6 client is its /64: rotating the interface part does not make a new client', async () => {
    const app = appWith({ pageViews: 2 }, { TRUST_PROXY: 'loopback' });
    expect((await open(app, ANNA, '2001:db8:1:2::1')).status).toBe(302);
    expect((await open(app, ANNA, '2001:db8:1:2:aaaa::99')).status).toBe(302);
    expect((await open(app, ANNA, '2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).status).toBe(429);
    expect((await open(app, ANNA, '2001:db8:1:3::1')).status).toBe(302);
  });

  it('guessing codes under one prefix is stopped for every client, and a real code there answers the same', async () => {
    const app = appWith({ pageViews: 100, linkMissesPerPrefix: 3, linkMisses: 100 }, { TRUST_PROXY: 'loopback' });
    const guesses = ['ANNA-2222', 'ANNA-2223', 'ANNA-2224'];
    for (const [i, code] of guesses.entries()) {
      const res = await open(app, code, `203.0.113.${i}`);
      expect([res.status, res.headers.location]).toEqual([302, '/refer']);
    }
    const next = await open(app, 'ANNA-2225', '203.0.113.50');
    const real = await open(app, ANNA, '203.0.113.51');
    expect([next.status, real.status]).toEqual([429, 429]);
    expect(real.headers['set-cookie']).toBeUndefined();
    // Another prefix is untouched; a paused code is a miss and writes no click.
    const other = await open(app, BERT, '203.0.113.52');
    expect([other.status, other.headers.location]).toEqual([302, '/refer/spring']);
    expect((await open(app, PAUSED, '203.0.113.53')).headers.location).toBe('/refer');
    expect(await clicks()).toEqual([{ code: BERT, enrolment_id: 'enr-2' }]);

    now += 60_000;
    const later = await open(app, ANNA, '203.0.113.54');
    expect([later.status, later.headers.location]).toEqual([302, '/refer/spring']);
  });

  it('guessing across prefixes is stopped by the limit on all misses', async () => {
    const app = appWith({ pageViews: 100, linkMissesPerPrefix: 100, linkMisses: 4 }, { TRUST_PROXY: 'loopback' });
    const guesses = ['K7M3QX9D', 'ZZ-2222', 'TOM-3333', '23456789'];
    for (const [i, code] of guesses.entries()) expect((await open(app, code, `203.0.113.${i}`)).status).toBe(302);
    expect((await open(app, 'QQQQ-4444', '203.0.113.9')).status).toBe(429);
    expect((await open(app, BERT, '203.0.113.10')).status).toBe(429);
  });

  it('a real code opened again and again never trips the miss limits, and counts every click', async () => {
    const app = appWith({ pageViews: 100, linkMissesPerPrefix: 1, linkMisses: 1 }, { TRUST_PROXY: 'loopback' });
    for (let i = 0; i < 12; i++) expect((await open(app, ANNA, `203.0.113.${i}`)).status).toBe(302);
    expect(await clicks()).toHaveLength(12);
  });

  it('text that cannot be a code writes no click and does not count as a guess', async () => {
    const app = appWith({ pageViews: 100, linkMissesPerPrefix: 1, linkMisses: 1 });
    for (const junk of ['x', '%3Cscript%3E', 'a'.repeat(80)]) expect((await open(app, junk, '1.1.1.1')).headers.location).toBe('/refer');
    expect((await open(app, ANNA, '1.1.1.1')).status).toBe(302);
    expect(await clicks()).toEqual([{ code: ANNA, enrolment_id: 'enr-1' }]);
  });

  it('limits submissions per client, with Retry-After until the minute ends', async () => {
    const app = appWith({ submissions: 2 });
    now += 15_000;
    const send = (ip: string) => request(app).post('/api/referrals').set('X-Forwarded-For', ip).send({ consent: true });
    expect((await send('203.0.113.1')).status).toBe(400);
    expect((await send('203.0.113.2')).status).toBe(400);
    const third = await send('203.0.113.3');
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe('45');
  });

  if (dialect === 'postgres') {
    it('two replicas on one PostgreSQL share each limit instead of each allowing it in full', async () => {
      const second = openDatabase(database.url);
      try {
        const limits = { pageViews: 4, linkMissesPerPrefix: 2, linkMisses: 100 };
        const a = appWith(limits);
        const b = edgeApp(second, { clock: () => now, features: [createCaptureFeature({ limits })] });
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await open(i % 2 ? b : a, ANNA, '203.0.113.1')).status);
        expect(statuses).toEqual([302, 302, 302, 302, 429, 429]);

        now += 60_000;
        expect((await open(a, 'BERT-2222', '1.1.1.1')).status).toBe(302);
        expect((await open(b, 'BERT-2223', '1.1.1.1')).status).toBe(302);
        expect((await open(a, BERT, '1.1.1.1')).status).toBe(429);
        expect((await open(b, BERT, '1.1.1.1')).status).toBe(429);
      } finally {
        await second.close();
      }
    });
  }
});
