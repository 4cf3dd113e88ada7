import type { Client } from '@hubspot/api-client';
import type { Router } from 'express';
import type { Config } from './config';
import type { DatabaseHandle } from './db/database';
import type { Logger } from './logger';

/** What every feature module is built from: no globals, so tests compose their own. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /** The official HubSpot client, pointed at HubSpot or at the sandbox. */
  hubspot: Client;
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
