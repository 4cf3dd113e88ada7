import express, { Router, type Express, type RequestHandler } from 'express';
import type { AppContext, Feature } from './context';
import { errorHandler, notFoundHandler } from './errors';
import { healthRoutes } from './http/health';
import { requireAdminKey, requireHubSpotSignature } from './http/auth';
import type { RawBodyRequest } from './http/raw-body';
import { programsFeature } from './programs/routes';
import { qualifyFeature } from './qualify/routes';
import { optionsFeature } from './hubspot/options-routes';
import { rewardsFeature } from './rewards/routes';
import { doctorFeature } from './doctor/routes';
import { contactsFeature } from './contacts/routes';
import { enrolmentFeature } from './enrolment/routes';
import { webhooksFeature } from './webhooks/routes';
import { captureFeature } from './capture/routes';
import { signupFeature } from './signup/routes';
import { reportsFeature } from './reports/routes';

export type { AppContext } from './context';

export type FeatureFactory = (ctx: AppContext) => Feature;

/** Every feature of the service; each module owns its routes. */
export const FEATURES: FeatureFactory[] = [
  captureFeature,
  signupFeature,
  programsFeature,
  enrolmentFeature,
  qualifyFeature,
  optionsFeature,
  rewardsFeature,
  contactsFeature,
  webhooksFeature,
  reportsFeature,
  doctorFeature,
];

export function createApp(ctx: AppContext, features: FeatureFactory[] = FEATURES): Express {
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
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(healthRoutes(ctx.database));

  const built = features.map((f) => f(ctx));
  const zone = (pick: (f: Feature) => Router | undefined) => built.map(pick).filter((r): r is Router => Boolean(r));

  for (const router of zone((f) => f.public)) app.use(router);
  const signed = requireHubSpotSignature({
    clientSecret: ctx.config.hubspot.clientSecret,
    publicBaseUrl: ctx.config.publicBaseUrl,
    clock: ctx.clock,
  });
  app.use('/hubspot', gate(signed, zone((f) => f.hubspot)));
  app.use('/api', gate(requireAdminKey(ctx.config.adminKey), zone((f) => f.admin)));

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}

/** One check in front of all routers of a zone, so a request is verified once. */
function gate(check: RequestHandler, routers: Router[]): Router {
  const zone = Router();
  zone.use(check);
  for (const router of routers) zone.use(router);
  return zone;
}
