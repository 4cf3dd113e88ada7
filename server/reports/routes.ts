import { Router } from 'express';
import type { AppContext, Feature } from '../context';
import { funnelCsv, funnelCsvFilename, returnsCsv } from './funnel-csv';
import { parseFunnelQuery } from './funnel-query';
import { funnelReport } from './funnel-report';

export type ReportDeps = Pick<AppContext, 'database' | 'clock'>;

/**
 * Admin API routes, relative to the admin zone (`/api`):
 * `GET /reports/funnel?program=&from=&to=&interval=&tz=&currency=` (JSON), `GET /reports/funnel.csv?…` (the
 * series) and `GET /reports/returns.csv?…` (revenue and reward cost, one row per currency).
 */
export function reportRoutes(deps: ReportDeps): Router {
  const router = Router();
  const report = (query: unknown) => funnelReport(deps.database.db, parseFunnelQuery(query), deps.clock());

  router.get('/reports/funnel', async (req, res) => {
    res.json(await report(req.query));
  });
  router.get('/reports/funnel.csv', async (req, res) => {
    const result = await report(req.query);
    res
      .type('text/csv; charset=utf-8')
      .attachment(funnelCsvFilename(result))
      .send(funnelCsv(result));
  });
  router.get('/reports/returns.csv', async (req, res) => {
    const result = await report(req.query);
    res
      .type('text/csv; charset=utf-8')
      .attachment(funnelCsvFilename(result, 'returns'))
      .send(returnsCsv(result));
  });
  return router;
}

export function reportsFeature(ctx: AppContext): Feature {
  return { admin: reportRoutes(ctx) };
}
