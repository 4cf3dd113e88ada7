import type { Router } from 'express';
import type { Config } from './config';
import type { DatabaseHandle } from './db/database';
import { windowCountersFor, type WindowCounters } from './http/window-counters';
import { AcceptGroups } from './hubspot/action-group-commit';
import type { HubSpotGateway } from './hubspot/gateway';
import { PortalSettings } from './hubspot/live-data';
import type { Logger } from './logger';
import { DeliveryTraffic } from './qualify/deliveries';

/**
 * What every feature module is built from: no globals, so tests compose their own. State that lives
 * as long as the service (the gateway's limiter, caches, traffic) is a field here, one per service.
 */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  /**
   * The HubSpot account's one gateway, the only way to HubSpot: every call of the routes, the job
   * handlers and the setup is paced by its limiter and retried by it. It holds the official client,
   * pointed at HubSpot or at the sandbox.
   */
  gateway: HubSpotGateway;
  /** The account's stage definitions, read through `gateway` and kept briefly. */
  portalSettings: PortalSettings;
  clock: () => number;
  /** "Qualify referral" deliveries written together in one transaction per event-loop turn. */
  acceptGroups: AcceptGroups;
  /** Deliveries being answered, which decisions give way to. */
  deliveryTraffic: DeliveryTraffic;
  /** The public routes' rate-limit counts: in the database on PostgreSQL (replicas share them), in memory on SQLite. */
  rateLimitCounters: WindowCounters;
}

/** A context with its per-service state fresh, from what the caller connects. */
export function createAppContext(parts: Pick<AppContext, 'config' | 'database' | 'logger' | 'gateway' | 'clock'>): AppContext {
  return {
    ...parts,
    portalSettings: new PortalSettings(parts.gateway, parts.clock),
    acceptGroups: new AcceptGroups(),
    deliveryTraffic: new DeliveryTraffic(),
    rateLimitCounters: windowCountersFor(parts.database),
  };
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
