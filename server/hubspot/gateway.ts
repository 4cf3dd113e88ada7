import type { Client } from '@hubspot/api-client';
import type { Logger } from '../logger';
import { createHubSpotClient, HubSpotCallFailed, hubspotStatus, type HubSpotConnection } from './client';

export { HubSpotCallFailed };

/**
 * Every HubSpot call of the service goes through one gateway per account: it keeps under the
 * account's rate limits before sending (so bulk work does not live on 429s) and retries what
 * HubSpot says is temporary (429, 5xx), honouring Retry-After. A process holds one per account
 * (the service on its `AppContext`, each CLI command its own): two gateways on one account would
 * each grant the whole allowance, and HubSpot would answer the excess with 429s.
 *
 * HubSpot enforces *rolling* windows ("ten_secondly_rolling"): a classic token bucket that starts
 * full lets through its capacity plus a window's refill within one window, twice the limit. So the
 * limiter here is a rolling-window counter that never grants more than `max` in any window.
 */
export interface RateLimits {
  /** Requests per rolling 10 seconds (all endpoints). */
  perTenSeconds: number;
  /** CRM search requests per second (HubSpot: 5, per account). */
  searchesPerSecond: number;
}

export const TIER_LIMITS = {
  free: { perTenSeconds: 100, searchesPerSecond: 5 },
  starter: { perTenSeconds: 100, searchesPerSecond: 5 },
  professional: { perTenSeconds: 190, searchesPerSecond: 5 },
  enterprise: { perTenSeconds: 190, searchesPerSecond: 5 },
} as const satisfies Record<string, RateLimits>;

export type Tier = keyof typeof TIER_LIMITS;

/** Multiply a tier's limits (the sandbox can run at a multiple of HubSpot's speed for benchmarks). */
export function scaledLimits(limits: RateLimits, scale: number): RateLimits {
  return { perTenSeconds: limits.perTenSeconds * scale, searchesPerSecond: limits.searchesPerSecond * scale };
}

/** Grants at most `max` slots in any `windowMs`; remembers the last `max` grant times. */
export class RollingWindow {
  private readonly grants: number[] = [];
  private head = 0;
  private last = -Infinity;

  /**
   * `spaced`: grants no closer together than windowMs / max. A per-second limit released in bursts
   * of five at each window edge lets requests that are delayed on the way land in the same window
   * at HubSpot; evenly spaced grants leave each one a slot's worth of slack.
   */
  constructor(readonly max: number, readonly windowMs: number, private readonly spaced = false) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`A rate limit needs a whole number of requests ≥ 1, got ${max}`);
  }

  /** 0 when a slot was taken now; otherwise how long to wait before asking again. */
  tryTake(now: number): number {
    if (this.spaced) {
      const gap = this.last + this.windowMs / this.max - now;
      if (gap > 0) return gap;
    }
    const wait = this.takeSlot(now);
    if (wait === 0) this.last = now;
    return wait;
  }

  private takeSlot(now: number): number {
    if (this.grants.length < this.max) {
      this.grants.push(now);
      return 0;
    }
    const oldest = this.grants[this.head]!;
    const freeAt = oldest + this.windowMs;
    if (now < freeAt) return freeAt - now;
    this.grants[this.head] = now;
    this.head = (this.head + 1) % this.max;
    return 0;
  }
}

/**
 * `create` is a write that is not safe to repeat: a 5xx or a lost answer may come after HubSpot made
 * the record, so only a 429 (refused before anything happened) is retried here; the caller's own
 * recovery (a marker to look for, a unique property) decides the rest.
 */
export type CallKind = 'search' | 'read' | 'write' | 'create';

export interface CallOptions {
  /** Fewer attempts than the gateway's default, for a caller someone is waiting on. */
  maxAttempts?: number;
}

export interface GatewayOptions {
  limits: RateLimits;
  /**
   * Added to each window (default 50 ms): a request's arrival at HubSpot lags its grant here by a
   * variable network delay, and two grants exactly one window apart may otherwise land inside one window.
   */
  marginMs?: number;
  /** Attempts per call for 429/5xx/network failures before giving up. */
  maxAttempts?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  logger?: Pick<Logger, 'warn'>;
}

/**
 * Attempts per call in a job handler. A job's lease (60 s) covers every job of its claim, run one
 * after another, and the queue retries a failed job with its own backoff: in a job the gateway
 * rides out a blip (a 429, a 5xx or two), the queue an outage, and a claim never outlives its lease
 * waiting on HubSpot.
 */
export const JOB_CALL_ATTEMPTS = 3;

interface AccountState {
  general: RollingWindow;
  search: RollingWindow;
  stats: GatewayStats;
}

export interface GatewayStats {
  /** Requests sent, retries included. */
  requests: number;
  searches: number;
  retries: number;
  rateLimited: number;
  serverErrors: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HubSpotGateway {
  private readonly general: RollingWindow;
  private readonly search: RollingWindow;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  readonly stats: GatewayStats;

  /**
   * The official client is reachable only through `call`, so no request skips the limiter.
   * `account` is another gateway's limiter and stats, for `withMaxAttempts`.
   */
  constructor(private readonly client: Client, private readonly opts: GatewayOptions, account?: AccountState) {
    const margin = opts.marginMs ?? 50;
    this.general = account?.general ?? new RollingWindow(Math.floor(opts.limits.perTenSeconds), 10_000 + margin);
    this.search = account?.search ?? new RollingWindow(Math.floor(opts.limits.searchesPerSecond), 1_000 + margin, true);
    this.stats = account?.stats ?? { requests: 0, searches: 0, retries: 0, rateLimited: 0, serverErrors: 0 };
    this.clock = opts.clock ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
    this.maxAttempts = opts.maxAttempts ?? 8;
  }

  /** The same account (same limiter, same stats) giving each call at most `maxAttempts`. */
  withMaxAttempts(maxAttempts: number): HubSpotGateway {
    return new HubSpotGateway(this.client, { ...this.opts, maxAttempts }, { general: this.general, search: this.search, stats: this.stats });
  }

  /**
   * Runs `fn` (one HubSpot request through the official client) when the limits allow, retrying
   * temporary failures. `what` names the call in errors and logs, e.g. "search contacts".
   */
  async call<T>(kind: CallKind, what: string, fn: (client: Client) => Promise<T>, opts: CallOptions = {}): Promise<T> {
    const maxAttempts = Math.min(opts.maxAttempts ?? this.maxAttempts, this.maxAttempts);
    for (let attempt = 1; ; attempt++) {
      await this.acquire(kind);
      try {
        return await fn(this.client);
      } catch (err) {
        const status = hubspotStatus(err);
        const delay = kind === 'create' && status !== 429 ? undefined : this.retryDelay(err, status, attempt);
        if (delay === undefined || attempt >= maxAttempts) {
          const reason = status === undefined ? (err instanceof Error ? err.message : String(err)) : `HTTP ${status}${describeBody(err)}`;
          throw new HubSpotCallFailed(`HubSpot ${what} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${reason}`, status, attempt, err);
        }
        this.stats.retries++;
        this.opts.logger?.warn({ what, status, attempt, delayMs: delay }, 'HubSpot call will be retried');
        await this.sleep(delay);
      }
    }
  }

  private async acquire(kind: CallKind): Promise<void> {
    if (kind === 'search') {
      await this.take(this.search);
      this.stats.searches++;
    }
    // Searches also count against the account's general limit; staying under both is safe either way.
    await this.take(this.general);
    this.stats.requests++;
  }

  private async take(window: RollingWindow): Promise<void> {
    for (;;) {
      const wait = window.tryTake(this.clock());
      if (wait === 0) return;
      await this.sleep(wait);
    }
  }

  /** How long to wait before retrying, or undefined when the failure is not temporary. */
  private retryDelay(err: unknown, status: number | undefined, attempt: number): number | undefined {
    if (status === 429) {
      this.stats.rateLimited++;
      const retryAfter = retryAfterMs(err, this.clock());
      if (retryAfter !== undefined) return retryAfter;
      // Without Retry-After: the limiter already paces the retry under a secondly policy; the
      // rolling ten-second one frees slowly, so back off a little more.
      return policyName(err) === 'TEN_SECONDLY_ROLLING' ? 1_000 : 200;
    }
    if (status === undefined || status >= 500) {
      if (status !== undefined) this.stats.serverErrors++;
      return Math.min(100 * 2 ** (attempt - 1), 5_000);
    }
    return undefined;
  }
}

function headerValue(err: unknown, name: string): string | undefined {
  const headers = (err as { headers?: Record<string, unknown> })?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
}

/** Retry-After in seconds (HubSpot's form) or as an HTTP date. */
export function retryAfterMs(err: unknown, now = Date.now()): number | undefined {
  const raw = headerValue(err, 'retry-after');
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parsedBody(err: unknown): Record<string, unknown> | undefined {
  const body = (err as { body?: unknown })?.body;
  if (body && typeof body === 'object') return body as Record<string, unknown>;
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function policyName(err: unknown): string | undefined {
  const name = parsedBody(err)?.policyName;
  return typeof name === 'string' ? name : undefined;
}

function describeBody(err: unknown): string {
  const message = parsedBody(err)?.message;
  return typeof message === 'string' ? ` (${message})` : '';
}

/** HubSpot's 409 for a taken email names the contact that has it. */
export function existingIdFromConflict(err: unknown): string | undefined {
  if (hubspotStatus(err) !== 409) return undefined;
  const message = parsedBody(err)?.message;
  return typeof message === 'string' ? /Existing ID: (\d+)/.exec(message)?.[1] : undefined;
}

/**
 * The gateway of one HubSpot account: the official client without retries of its own (they would
 * bypass the limiter: its 429 wait is a fixed 10 s outside the account's pacing).
 */
export function connectGateway(conn: Omit<HubSpotConnection, 'retries'>, opts: GatewayOptions): HubSpotGateway {
  return new HubSpotGateway(createHubSpotClient({ ...conn, retries: 0 }), opts);
}
