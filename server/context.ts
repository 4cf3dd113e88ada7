import type { Router } from 'express';
import type { Config } from './config';
import type { DatabaseHandle } from './db/database';
import type { HubSpotGateway } from './hubspot/gateway';
import type { PortalSettings } from './hubspot/live-data';
import type { Logger } from './logger';

/** What every feature module is built from: no globals, so tests compose their own. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /**
   * The HubSpot account's one gateway, the only way to HubSpot: every call of the routes, the job
   * handlers and the setup is paced by its limiter and retried by it. Its `client` is the official
   * client, pointed at HubSpot or at the sandbox.
   */
  gateway: HubSpotGateway;
  /** The account's stage definitions, read through `gateway` and kept briefly. */
  portalSettings: PortalSettings;
  clock: () => number;
}

/**
 * A feature contributes routers by trust zone: `hubspot` routes are signature-checked, `admin`
 * routes need the admin key, `public` routes are open (and rate limited by the feature).
 */
export interface Feature {
  hubspot?: Router;
  admin?: Router;
  public?: Router;
}
