import pino from 'pino';
import { createApp, type FeatureFactory } from '../../../server/app';
import { loadConfig } from '../../../server/config';
import { createAppContext } from '../../../server/context';
import type { DatabaseHandle } from '../../../server/db/database';
import { connectGateway, TIER_LIMITS } from '../../../server/hubspot/gateway';
import { saveProgram } from '../../../server/programs/repository';
import { buildProgram } from '../../support/harness';

/**
 * The app alone over a ledger, configured from `env` as `npm start` would be: for what happens at
 * the edge (proxies, limits, bodies), where HubSpot is never reached.
 */
export function edgeApp(database: DatabaseHandle, opts: { env?: Record<string, string>; clock: () => number; features: FeatureFactory[] }) {
  const config = loadConfig({ HUBSPOT_ACCESS_TOKEN: 'unused', HUBSPOT_API_BASE: 'http://127.0.0.1:9', ...opts.env });
  const gateway = connectGateway({ accessToken: 'unused', apiBase: config.hubspot.apiBase }, { limits: TIER_LIMITS.professional });
  const ctx = createAppContext({ config, database, logger: pino({ level: 'silent' }), gateway, clock: opts.clock });
  return createApp(ctx, opts.features);
}

/** The "spring" program and one referrer per code, enrolled as given. */
export async function seedCodes(database: DatabaseHandle, codes: Record<string, 'active' | 'paused'>, now: number) {
  const { program } = await saveProgram(database.db, buildProgram({ status: 'active' }), now);
  let n = 0;
  for (const [code, status] of Object.entries(codes)) {
    n += 1;
    await database.db.insertInto('enrolments').values({
      id: `enr-${n}`, program_id: program.id, contact_id: String(1000 + n), code, link: `http://localhost/r/${code}`,
      status, source: 'manual', created_at: now, updated_at: now,
    }).execute();
  }
  return program;
}
