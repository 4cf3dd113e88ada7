import express, { Router, type Express, type RequestHandler } from 'express';
import type { AppContext, Feature } from './context';
import { errorHandler, notFoundHandler } from './errors';
import { healthRoutes } from './http/health';
import { requireAdminKey, requireHubSpotSignature } from './http/auth';
import { FORM_BODY, JSON_BODY, acceptBodies } from './http/body-types';
import { securityHeaders } from './http/security-headers';
import { refuseNulText } from './http/text-guard';
import type { RawBodyRequest } from './http/raw-body';
import { programsFeature } from './programs/routes';
import { portalFeature } from './portal/routes';
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
import { privacyFeature } from './privacy/routes';
import { eventsFeature } from './events/routes';
import { explainFeature } from './explain/routes';
import { dashboardFeature } from './dashboard/routes';

export type { AppContext } from './context';

export type FeatureFactory = (ctx: AppContext) => Feature;

/** Every feature of the service; each module owns its routes. */
export const FEATURES: FeatureFactory[] = [
  captureFeature,
  signupFeature,
  programsFeature,
  portalFeature,
  enrolmentFeature,
  qualifyFeature,
  optionsFeature,
  rewardsFeature,
  contactsFeature,
  webhooksFeature,
  reportsFeature,
  doctorFeature,
  privacyFeature,
  eventsFeature,
  explainFeature,
  dashboardFeature,
];

export function createApp(ctx: AppContext, features: FeatureFactory[] = FEATURES): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);
  app.use(securityHeaders);
  // Public forms post urlencoded; everything else is JSON. Other types are refused, never ignored;
  // the signed and admin zones below narrow this to JSON.
  app.use(acceptBodies([JSON_BODY, FORM_BODY], 'This service'));
  app.use(
    express.json({
      limit: '1mb',
      verify: (req, _res, buf) => {
        (req as RawBodyRequest).rawBody = buf;
      },
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(refuseNulText);
  app.use(healthRoutes(ctx.database));

  const built = features.map((f) => f(ctx));
  const zone = (pick: (f: Feature) => Router | undefined) => built.map(pick).filter((r): r is Router => Boolean(r));

  for (const router of zone((f) => f.public)) app.use(router);
  const signed = requireHubSpotSignature({
    clientSecret: ctx.config.hubspot.clientSecret,
    publicBaseUrl: ctx.config.publicBaseUrl,
    clock: ctx.clock,
    requireV3: ctx.config.requireSignatureV3,
  });
  // Only a JSON body keeps its raw bytes for the signature, and the admin API speaks JSON alone.
  const jsonOnly = acceptBodies([JSON_BODY]);
  app.use('/hubspot', jsonOnly, gate(signed, zone((f) => f.hubspot)));
  app.use('/api', gate(requireAdminKey(ctx.config.adminKey), zone((f) => f.admin), jsonOnly));

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}

/** One check in front of all routers of a zone, so a request is verified once. */
function gate(check: RequestHandler, routers: Router[], ...after: RequestHandler[]): Router {
  const zone = Router();
  zone.use(check, ...after);
  for (const router of routers) zone.use(router);
  return zone;
}
