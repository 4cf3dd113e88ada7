import http from 'node:http';
import { Router } from 'express';
import pino from 'pino';
import { loadConfig } from '../../../server/config';
import type { FeatureFactory } from '../../../server/app';
import { openDatabase } from '../../../server/db/database';
import { startService, type RunningService } from '../../../server/service';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';

/** A GET over one kept-alive connection; resolves with the status, the Connection header and the body. */
function get(agent: http.Agent, url: string): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
    }).on('error', reject);
  });
}

/** Holds a handler until the test opens it; `entered` says the handler is running. */
function gate() {
  let enter!: () => void;
  let open!: () => void;
  let finish!: () => void;
  const entered = new Promise<void>((r) => (enter = r));
  const passed = new Promise<void>((r) => (open = r));
  const done = new Promise<void>((r) => (finish = r));
  return { entered, enter, open, passed, done, finish };
}

describe.each(dialects)('stopping the service on %s', (dialect) => {
  let database: TestDatabase;
  let service: RunningService | undefined;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await database.drop().catch(() => undefined);
  });

  /** `/slow` waits for the test, then writes a click row and answers; `/fast` answers at once. */
  async function start(drainMs: number) {
    const slow = gate();
    const feature: FeatureFactory = (ctx) => {
      const router = Router();
      router.get('/fast', (_req, res) => void res.json({ fast: true }));
      router.get('/slow', async (_req, res) => {
        slow.enter();
        await slow.passed;
        try {
          await ctx.database.db.insertInto('clicks').values({ program_id: null, enrolment_id: null, code: 'WRITTEN', at: 1 }).execute();
          res.json({ finished: true });
        } finally {
          slow.finish();
        }
      });
      return { public: router };
    };
    service = await startService({
      config: loadConfig({ PORT: '0', DATABASE_URL: database.url, HUBSPOT_ACCESS_TOKEN: 'unused', HUBSPOT_API_BASE: 'http://127.0.0.1:9', SHUTDOWN_DRAIN_MS: String(drainMs) }),
      logger: pino({ level: 'silent' }),
      background: false,
      features: [feature],
    });
    return { service, slow };
  }

  it('answers the request in flight on a kept-alive connection with Connection: close, and takes no new connection', async () => {
    const { service, slow } = await start(60_000);
    const busy = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const idle = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(busy, `${service.url}/fast`)).connection).toBe('keep-alive');
    expect((await get(idle, `${service.url}/fast`)).connection).toBe('keep-alive');
    const inFlight = get(busy, `${service.url}/slow`);
    await slow.entered;

    const stopped = service.stop();
    await expect(get(new http.Agent(), `${service.url}/fast`)).rejects.toThrow(/ECONNREFUSED/);
    slow.open();
    expect(await inFlight).toEqual({ status: 200, connection: 'close', body: '{"finished":true}' });
    // The stop ends once both connections are gone: the idle one at once, the busy one after its answer.
    await stopped;
    busy.destroy();
    idle.destroy();
  });

  it('cuts a connection still busy after the drain, and never closes the database under a handler that still runs', async () => {
    const { service, slow } = await start(50);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const inFlight = get(agent, `${service.url}/slow`);
    await slow.entered;
    const stopped = service.stop();
    await expect(inFlight).rejects.toThrow(/socket hang up|ECONNRESET/);
    // The handler outlives the drain and the wait for handlers: the stop gives up waiting for it,
    // but leaves the database open (the process exit ends it), so its write still lands.
    await stopped;
    slow.open();
    await slow.done;
    const check = openDatabase(database.url);
    expect(await check.db.selectFrom('clicks').select('code').execute()).toEqual([{ code: 'WRITTEN' }]);
    await check.close();
    agent.destroy();
  });
});
