import type { Router } from 'express';
import pino from 'pino';
import { findObjectType } from '../crm/object-types';
import type { PortalChange } from '../portal';
import { signedHeaders } from '../signing';
import { RealScheduler, type Scheduler } from '../workflows/scheduler';
import { DEFAULT_WEBHOOKS_FILE, loadWebhooks, type CrmSubscription, type WebhookSettings } from './subscriptions';

/**
 * HubSpot's webhook deliveries for a project's `webhooks` component: CRM changes matching an active
 * subscription become events, sent as a JSON array (at most 100 per request) to `targetUrl`, signed
 * with v3 (`X-HubSpot-Signature-v3` + `X-HubSpot-Request-Timestamp`) and, for older verifiers, v1
 * (`X-HubSpot-Signature` = sha256(secret + body), `X-HubSpot-Signature-Version: v1`), as the webhooks
 * documentation describes. A request that fails (no connection, no answer within 5 s, any 4xx or
 * 5xx) is sent again, up to 10 times with growing delays over about 17 hours, each time freshly
 * signed and with `attemptNumber` counting up.
 */
export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  objectTypeId: string;
  propertyName?: string;
  propertyValue?: string;
  changeFlag?: string;
  changeSource: string;
  sourceId?: string;
}

export interface DeliveryAttempt {
  at: string;
  headers: Record<string, string>;
  body: string;
  status?: number;
  /** Why no HTTP answer arrived. */
  error?: string;
}

export interface WebhookDelivery {
  id: number;
  events: WebhookEvent[];
  status: 'SENDING' | 'RETRY_SCHEDULED' | 'DELIVERED' | 'FAILED';
  attempts: DeliveryAttempt[];
  nextAttemptAt?: string;
}

export interface WebhookSenderOptions {
  portal: {
    on(event: 'change', listener: (change: PortalChange) => void): unknown;
    off(event: 'change', listener: (change: PortalChange) => void): unknown;
  };
  clientSecret: string;
  /** `${VAR}` values for the hsmeta file (`SERVICE_URL`). */
  variables: Record<string, string>;
  file?: string;
  scheduler?: Scheduler;
  portalId: number;
  appId?: number;
  logger?: Pick<pino.Logger, 'info' | 'warn'>;
}

export const MAX_EVENTS_PER_REQUEST = 100;
export const WEBHOOK_TIMEOUT_MS = 5_000;
export const MAX_RETRIES = 10;
/** 1 min, doubling: the tenth retry goes out about 17 hours after the first attempt. */
export const retryDelayMs = (retry: number) => 60_000 * 2 ** (retry - 1);

export class WebhookSender {
  readonly settings: WebhookSettings;
  private readonly scheduler: Scheduler;
  private readonly logger: Pick<pino.Logger, 'info' | 'warn'>;
  private readonly list: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<() => void>();
  private pending: WebhookEvent[] = [];
  private flushScheduled = false;
  private nextEventId = 1;

  private readonly onChange = (change: PortalChange) => {
    for (const event of this.eventsFor(change)) this.pending.push(event);
    if (this.pending.length === 0 || this.flushScheduled) return;
    // Changes of one write (a batch update) leave in the same request, as HubSpot batches them.
    this.flushScheduled = true;
    this.track(Promise.resolve().then(() => this.flush()));
  };

  constructor(private readonly options: WebhookSenderOptions) {
    this.settings = loadWebhooks(options.file ?? DEFAULT_WEBHOOKS_FILE, options.variables);
    this.scheduler = options.scheduler ?? new RealScheduler();
    this.logger = options.logger ?? pino({ level: 'silent' });
    options.portal.on('change', this.onChange);
  }

  /** Every request sent or being retried, oldest first (copies). */
  deliveries(): WebhookDelivery[] {
    return structuredClone(this.list);
  }

  /** Resolves once nothing is being sent (what a test awaits after a CRM write). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  close(): void {
    this.options.portal.off('change', this.onChange);
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  private eventsFor(change: PortalChange): WebhookEvent[] {
    const type = findObjectType(change.objectType);
    if (!type) return [];
    const matches = (s: CrmSubscription) => s.active && findObjectType(s.objectType)?.name === type.name;
    const base = (s: CrmSubscription) => ({
      eventId: this.nextEventId++,
      subscriptionId: s.subscriptionId,
      portalId: this.options.portalId,
      appId: this.options.appId ?? 4_200_001,
      occurredAt: this.scheduler.now(),
      subscriptionType: s.subscriptionType,
      attemptNumber: 0,
      objectId: Number(change.objectId),
      objectTypeId: type.typeId,
      changeSource: 'INTEGRATION',
    });
    const events: WebhookEvent[] = [];
    for (const s of this.settings.subscriptions.filter(matches)) {
      if (s.subscriptionType === 'object.creation' && change.kind === 'create') events.push({ ...base(s), changeFlag: 'CREATED' });
      if (s.subscriptionType === 'object.propertyChange' && change.kind === 'update' && s.propertyName && change.changes[s.propertyName]) {
        const value = change.changes[s.propertyName]!.to;
        events.push({ ...base(s), propertyName: s.propertyName, propertyValue: value ?? '' });
      }
    }
    return events;
  }

  private flush(): void {
    this.flushScheduled = false;
    const events = this.pending;
    this.pending = [];
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_REQUEST) {
      const delivery: WebhookDelivery = { id: this.list.length + 1, events: events.slice(i, i + MAX_EVENTS_PER_REQUEST), status: 'SENDING', attempts: [] };
      this.list.push(delivery);
      this.track(this.attempt(delivery));
    }
  }

  private track(promise: Promise<void>): Promise<void> {
    this.inFlight.add(promise);
    return promise.finally(() => this.inFlight.delete(promise));
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const now = this.scheduler.now();
    const retry = delivery.attempts.length;
    delivery.status = 'SENDING';
    delete delivery.nextAttemptAt;
    const body = JSON.stringify(delivery.events.map((event) => ({ ...event, attemptNumber: retry })));
    const url = this.settings.targetUrl;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'HubSpot Webhooks (sandbox)',
      ...signedHeaders({ clientSecret: this.options.clientSecret, method: 'POST', url, body, timestamp: now }, 'v3+v1'),
    };
    const attempt: DeliveryAttempt = { at: new Date(now).toISOString(), headers, body };
    delivery.attempts.push(attempt);
    try {
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
      attempt.status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      attempt.error = (error as Error).name === 'TimeoutError' ? `no answer within ${WEBHOOK_TIMEOUT_MS} ms` : (error as Error).message;
    }
    const ok = attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300;
    this.logger.info({ delivery: delivery.id, url, attempt: retry, status: attempt.status, error: attempt.error, events: delivery.events.length }, 'webhook sent');
    if (ok) {
      delivery.status = 'DELIVERED';
      return;
    }
    if (retry >= MAX_RETRIES) {
      delivery.status = 'FAILED';
      return;
    }
    const at = now + retryDelayMs(retry + 1);
    delivery.status = 'RETRY_SCHEDULED';
    delivery.nextAttemptAt = new Date(at).toISOString();
    const cancel = this.scheduler.at(at, () => {
      this.timers.delete(cancel);
      return this.track(this.attempt(delivery));
    });
    this.timers.add(cancel);
  }
}

/** `GET /sandbox/webhooks/deliveries`: what was sent, each attempt with its headers, body and answer. */
export function webhookRoutes(sender: WebhookSender): (router: Router) => void {
  return (router) => {
    router.get('/sandbox/webhooks/deliveries', (_req, res) => {
      res.json({ targetUrl: sender.settings.targetUrl, results: sender.deliveries() });
    });
  };
}
