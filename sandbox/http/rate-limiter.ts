import type { RequestHandler } from 'express';
import { correlationId } from './respond';

export const tiers = ['free', 'starter', 'professional', 'enterprise'] as const;
export type Tier = (typeof tiers)[number];

export interface RateLimitConfig {
  tier: Tier;
  /** Multiplies every limit, so benchmarks can run at e.g. 10× HubSpot's rates. */
  scale: number;
  /** Overrides the tier's daily allowance (before scaling). */
  dailyLimit?: number | undefined;
}

export type PolicyName = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

/** HubSpot's documented private-app limits per tier. */
const perTier: Record<Tier, { tenSecondly: number; daily: number }> = {
  free: { tenSecondly: 100, daily: 250_000 },
  starter: { tenSecondly: 100, daily: 250_000 },
  professional: { tenSecondly: 190, daily: 625_000 },
  enterprise: { tenSecondly: 190, daily: 1_000_000 },
};
const SEARCH_PER_SECOND = 5;
const TEN_SECONDS = 10_000;
const ONE_SECOND = 1_000;
const ONE_DAY = 86_400_000;

/** Counts requests in a rolling window (timestamps of the requests still inside it). */
class RollingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  used(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

export type Admission =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; policy: PolicyName; headers: Record<string, string> };

/**
 * The portal's API allowance: a rolling 10-second window for ordinary calls, a 1-second window
 * for search (which sends no rate-limit headers), and a daily count. Time comes from `clock`.
 */
export class RateLimiter {
  private config: RateLimitConfig;
  private tenSecondly = new RollingWindow(TEN_SECONDS);
  private searches = new RollingWindow(ONE_SECOND);
  private day = -1;
  private dailyUsed = 0;
  /** Calls this limiter answered 429, apart from injected faults: what a client's pacing is judged by. */
  private refused = 0;

  constructor(config: RateLimitConfig, private readonly clock: () => number) {
    this.config = { ...config };
  }

  configure(patch: Partial<RateLimitConfig>): RateLimitConfig {
    this.config = { ...this.config, ...patch };
    return this.settings();
  }

  settings(): RateLimitConfig {
    return { ...this.config };
  }

  limits(): { tenSecondly: number; searchPerSecond: number; daily: number } {
    const { tier, scale, dailyLimit } = this.config;
    return {
      tenSecondly: Math.max(1, Math.round(perTier[tier].tenSecondly * scale)),
      searchPerSecond: Math.max(1, Math.round(SEARCH_PER_SECOND * scale)),
      daily: Math.max(1, Math.round((dailyLimit ?? perTier[tier].daily) * scale)),
    };
  }

  reset(): void {
    this.tenSecondly = new RollingWindow(TEN_SECONDS);
    this.searches = new RollingWindow(ONE_SECOND);
    this.dailyUsed = 0;
    this.refused = 0;
  }

  /** Admits one request (counting it) or names the policy that refuses it. */
  admit(kind: 'standard' | 'search'): Admission {
    const now = this.clock();
    const today = Math.floor(now / ONE_DAY);
    if (today !== this.day) {
      this.day = today;
      this.dailyUsed = 0;
    }
    const limits = this.limits();
    const window = kind === 'search' ? this.searches : this.tenSecondly;
    const windowLimit = kind === 'search' ? limits.searchPerSecond : limits.tenSecondly;
    const used = window.used(now);
    const headersFor = (windowUsed: number): Record<string, string> => (kind === 'search' ? {} : {
      'X-HubSpot-RateLimit-Daily': String(limits.daily),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, limits.daily - this.dailyUsed)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(TEN_SECONDS),
      'X-HubSpot-RateLimit-Max': String(limits.tenSecondly),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, limits.tenSecondly - windowUsed)),
    });
    if (this.dailyUsed >= limits.daily) {
      this.refused++;
      return { allowed: false, policy: 'DAILY', headers: headersFor(used) };
    }
    if (used >= windowLimit) {
      this.refused++;
      return { allowed: false, policy: kind === 'search' ? 'SECONDLY' : 'TEN_SECONDLY_ROLLING', headers: headersFor(used) };
    }
    window.add(now);
    this.dailyUsed++;
    return { allowed: true, headers: headersFor(used + 1) };
  }

  usage(): { tenSecondly: number; searchesLastSecond: number; daily: number; refused: number } {
    const now = this.clock();
    return { tenSecondly: this.tenSecondly.used(now), searchesLastSecond: this.searches.used(now), daily: this.dailyUsed, refused: this.refused };
  }
}

const messages: Record<PolicyName, string> = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  SECONDLY: 'You have reached your secondly limit.',
  DAILY: 'You have reached your daily limit.',
};

/** HubSpot's 429 body (note: `errorType`, not `category`). */
export function rateLimitBody(policy: PolicyName, id: string): Record<string, string> {
  return { status: 'error', message: messages[policy], errorType: 'RATE_LIMIT', correlationId: id, policyName: policy };
}

/** CRM search endpoints have their own per-second limit. */
export const isSearchRequest = (method: string, path: string) =>
  method === 'POST' && /^\/crm\/v3\/objects\/[^/]+\/search\/?$/.test(path);

export function rateLimit(limiter: RateLimiter): RequestHandler {
  return (req, res, next) => {
    const admission = limiter.admit(isSearchRequest(req.method, req.path) ? 'search' : 'standard');
    res.set(admission.headers);
    if (!admission.allowed) {
      res.status(429).json(rateLimitBody(admission.policy, correlationId(res)));
      return;
    }
    next();
  };
}
