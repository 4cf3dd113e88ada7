import express, { type Express } from 'express';
import type { Config } from './config';
import type { DatabaseHandle } from './db/database';
import { errorHandler, notFoundHandler } from './errors';
import { healthRoutes } from './http/health';
import type { Logger } from './logger';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /** Injected so tests can move time; production uses the wall clock. */
  clock?: () => number;
}

/** Raw bytes are kept: HubSpot signatures are computed over the body exactly as sent. */
export type RawBodyRequest = express.Request & { rawBody?: Buffer };

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(
    express.json({
      limit: '1mb',
      verify: (req, _res, buf) => {
        (req as RawBodyRequest).rawBody = buf;
      },
    }),
  );
  app.use(healthRoutes(deps.database));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
