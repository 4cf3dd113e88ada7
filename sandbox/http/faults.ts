import type { RequestHandler } from 'express';
import { z } from 'zod';
import { createRandom } from '../prng';
import { rateLimitBody } from './rate-limiter';
import { correlationId } from './respond';

export const faultConfigSchema = z.object({
  /** Share (0–1) of API requests answered with one of `statuses` instead of being served. */
  rate: z.number().min(0).max(1),
  statuses: z.array(z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)])).min(1),
  /** Added to every API request. */
  latencyMs: z.number().int().min(0),
  /** Share (0–1) of requests that are slow, and how slow. */
  slowRate: z.number().min(0).max(1),
  slowMs: z.number().int().min(0),
  seed: z.number().int(),
});
export type FaultConfig = z.infer<typeof faultConfigSchema>;

export const noFaults: FaultConfig = { rate: 0, statuses: [429, 500, 502, 503], latencyMs: 0, slowRate: 0, slowMs: 0, seed: 1 };

export type Delay = (ms: number) => Promise<void>;
export const realDelay: Delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Decides, reproducibly from a seed, which requests fail or are slowed down. */
export class FaultInjector {
  private config: FaultConfig;
  private random: () => number;

  constructor(config: FaultConfig, readonly delay: Delay) {
    this.config = { ...config };
    this.random = createRandom(config.seed);
  }

  configure(patch: Partial<FaultConfig>): FaultConfig {
    this.config = faultConfigSchema.parse({ ...this.config, ...patch });
    if (patch.seed !== undefined) this.random = createRandom(patch.seed);
    return this.settings();
  }

  settings(): FaultConfig {
    return { ...this.config, statuses: [...this.config.statuses] };
  }

  /** What to do with the next request: how long to wait, and which failure (if any) to answer. */
  next(): { delayMs: number; status?: number } {
    const { rate, statuses, latencyMs, slowRate, slowMs } = this.config;
    const delayMs = latencyMs + (slowRate > 0 && this.random() < slowRate ? slowMs : 0);
    if (rate > 0 && this.random() < rate) {
      return { delayMs, status: statuses[Math.floor(this.random() * statuses.length)]! };
    }
    return { delayMs };
  }
}

/**
 * Answers an injected failure the way HubSpot's edge does: a 429 like the rate limiter, a JSON
 * 500, and gateway errors (502/503/504) as HTML pages rather than JSON.
 */
export function injectFaults(faults: FaultInjector): RequestHandler {
  return async (_req, res, next) => {
    const decision = faults.next();
    if (decision.delayMs > 0) await faults.delay(decision.delayMs);
    if (decision.status === undefined) return next();
    const id = correlationId(res);
    if (decision.status === 429) {
      res.status(429).json(rateLimitBody('TEN_SECONDLY_ROLLING', id));
    } else if (decision.status === 500) {
      res.status(500).json({ status: 'error', message: 'internal error', correlationId: id, category: 'INTERNAL_ERROR' });
    } else {
      res.status(decision.status).type('html').send(`<html><body><h1>${decision.status}</h1><p>The server could not handle the request.</p></body></html>`);
    }
  };
}
