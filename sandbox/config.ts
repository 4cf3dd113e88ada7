import { z } from 'zod';
import { faultConfigSchema, noFaults, type FaultConfig } from './http/faults';
import { tiers, type Tier } from './http/rate-limiter';

export const DEFAULT_ACCESS_TOKEN = 'sandbox-token';
export const DEFAULT_PORT = 3001;

const number = z.coerce.number();
const envSchema = z.object({
  SANDBOX_ACCESS_TOKEN: z.string().min(1).optional(),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SANDBOX_TIER: z.enum(tiers).optional(),
  SANDBOX_SCALE: number.positive().optional(),
  SANDBOX_DAILY_LIMIT: z.coerce.number().int().positive().optional(),
  SANDBOX_FAULT_RATE: number.min(0).max(1).optional(),
  SANDBOX_FAULT_STATUSES: z.string().optional(),
  SANDBOX_LATENCY_MS: z.coerce.number().int().min(0).optional(),
  SANDBOX_SLOW_RATE: number.min(0).max(1).optional(),
  SANDBOX_SLOW_MS: z.coerce.number().int().min(0).optional(),
  SANDBOX_FAULT_SEED: z.coerce.number().int().optional(),
  SANDBOX_INDEX_CREATE_MS: z.coerce.number().int().min(0).optional(),
  SANDBOX_INDEX_UPDATE_MS: z.coerce.number().int().min(0).optional(),
});

export interface SandboxEnvConfig {
  accessToken?: string;
  port?: number;
  tier?: Tier;
  scale?: number;
  dailyLimit?: number;
  faults: Partial<FaultConfig>;
  /** Search's indexing delay; either part left out keeps its default. */
  indexingDelay?: { createMs?: number; updateMs?: number };
}

/** Reads the sandbox's environment variables once; a bad value fails with the variable's name. */
export function sandboxConfigFromEnv(env: Record<string, string | undefined> = process.env): SandboxEnvConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid sandbox environment: ${problems}`);
  }
  const e = parsed.data;
  const faults: Partial<FaultConfig> = {
    ...(e.SANDBOX_FAULT_RATE !== undefined && { rate: e.SANDBOX_FAULT_RATE }),
    ...(e.SANDBOX_LATENCY_MS !== undefined && { latencyMs: e.SANDBOX_LATENCY_MS }),
    ...(e.SANDBOX_SLOW_RATE !== undefined && { slowRate: e.SANDBOX_SLOW_RATE }),
    ...(e.SANDBOX_SLOW_MS !== undefined && { slowMs: e.SANDBOX_SLOW_MS }),
    ...(e.SANDBOX_FAULT_SEED !== undefined && { seed: e.SANDBOX_FAULT_SEED }),
    ...(e.SANDBOX_FAULT_STATUSES !== undefined && {
      statuses: faultConfigSchema.shape.statuses.parse(e.SANDBOX_FAULT_STATUSES.split(',').map((s) => Number(s.trim()))),
    }),
  };
  return {
    ...(e.SANDBOX_ACCESS_TOKEN !== undefined && { accessToken: e.SANDBOX_ACCESS_TOKEN }),
    ...(e.SANDBOX_PORT !== undefined && { port: e.SANDBOX_PORT }),
    ...(e.SANDBOX_TIER !== undefined && { tier: e.SANDBOX_TIER }),
    ...(e.SANDBOX_SCALE !== undefined && { scale: e.SANDBOX_SCALE }),
    ...(e.SANDBOX_DAILY_LIMIT !== undefined && { dailyLimit: e.SANDBOX_DAILY_LIMIT }),
    faults,
    ...((e.SANDBOX_INDEX_CREATE_MS !== undefined || e.SANDBOX_INDEX_UPDATE_MS !== undefined) && {
      indexingDelay: {
        ...(e.SANDBOX_INDEX_CREATE_MS !== undefined && { createMs: e.SANDBOX_INDEX_CREATE_MS }),
        ...(e.SANDBOX_INDEX_UPDATE_MS !== undefined && { updateMs: e.SANDBOX_INDEX_UPDATE_MS }),
      },
    }),
  };
}

export { noFaults };
