import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { Router } from 'express';
import pino from 'pino';
import request from 'supertest';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startService } from '../../server/service';
import { createTestDatabase, dialects } from '../support/databases';

describe('configuration', () => {
  it('names the bad variable in one line', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL or sqlite:<file>/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT must be a port number$/);
    expect(() => loadConfig({ SERVICE_ADMIN_KEY: 'short' })).toThrow(/SERVICE_ADMIN_KEY must be at least 16 characters/);
  });

  it('defaults to the embedded SQLite file and the public HubSpot API', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: 'sqlite:data/referral-ops.sqlite', publicBaseUrl: 'http://localhost:3000' });
    expect(config.hubspot.apiBase).toBe('https://api.hubapi.com');
  });

  it('stops `npm start` with exit code 2 and one line naming DATABASE_URL', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [require.resolve('tsx/cli'), 'server/main.ts'], { env: { ...process.env, DATABASE_URL: 'mysql://x' } }, (err, _out, stderr) =>
        resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, stderr }),
      );
    });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: DATABASE_URL /)]);
  });
});

describe('logging', () => {
  it('redacts credentials wherever they appear', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } });
    const logger = createLogger('info', sink);
    logger.info({ req: { headers: { authorization: 'Bearer s3cret-token', 'x-hubspot-signature-v3': 'sig' } }, config: { accessToken: 'pat-123', clientSecret: 'cs-456' } }, 'x');
    const out = lines.join('');
    for (const secret of ['s3cret-token', 'pat-123', 'cs-456', '"sig"']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});

describe.each(dialects)('the service on %s', (dialect) => {
  it('reports its database on /healthz and finishes requests in flight when stopped', async () => {
    const database = await createTestDatabase(dialect);
    let release!: () => void;
    let entered!: () => void;
    const reachedHandler = new Promise<void>((r) => (entered = r));
    const slow = () => {
      const router = Router();
      router.get('/slow', async (_req, res) => {
        const go = new Promise<void>((r) => (release = r));
        entered();
        await go;
        res.json({ finished: true });
      });
      return { public: router };
    };
    const service = await startService({
      config: loadConfig({ PORT: '0', DATABASE_URL: database.url, HUBSPOT_ACCESS_TOKEN: 'unused', HUBSPOT_API_BASE: 'http://127.0.0.1:9' }),
      logger: pino({ level: 'silent' }),
      background: false,
      features: [slow],
    });
    const health = await request(service.url).get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body.database.dialect).toBe(dialect);
    expect(JSON.stringify(health.body)).not.toMatch(/password/);

    const inFlight = fetch(`${service.url}/slow`).then((r) => r.json());
    await reachedHandler;
    const stopped = service.stop();
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    release();
    await expect(inFlight).resolves.toEqual({ finished: true });
    await stopped;
    await database.drop().catch(() => undefined);
  });
});

describe('a port already taken', () => {
  it('fails the start with EADDRINUSE instead of leaving a service that never answers', async () => {
    const database = await createTestDatabase('sqlite');
    const config = (port: number) => loadConfig({ PORT: String(port), DATABASE_URL: database.url, HUBSPOT_ACCESS_TOKEN: 'unused', HUBSPOT_API_BASE: 'http://127.0.0.1:9' });
    const first = await startService({ config: config(0), logger: pino({ level: 'silent' }), background: false });
    const taken = Number(new URL(first.url).port);
    await expect(startService({ config: config(taken), logger: pino({ level: 'silent' }), background: false })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect((await request(first.url).get('/healthz')).status).toBe(200);
    await first.stop();
    await database.drop().catch(() => undefined);
  });
});
