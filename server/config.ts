import { z } from 'zod';

/**
 * The service's configuration, parsed once from the environment at start. A bad value stops the
 * process with one line naming the variable, never with a stack trace deep inside a request.
 */
const databaseUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\//.test(v) || v.startsWith('sqlite:'), {
    message: 'must be a postgres:// URL or sqlite:<file> (unset: the embedded SQLite file under data/)',
  });

const httpUrl = (what: string) =>
  z.url({ protocol: /^https?$/, message: `must be an http(s) URL ${what}` }).transform((v) => v.replace(/\/+$/, ''));

const configSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3000),
  DATABASE_URL: databaseUrl.default('sqlite:data/referral-ops.sqlite'),
  PUBLIC_BASE_URL: httpUrl('(the address HubSpot and browsers use to reach this service)').optional(),
  HUBSPOT_ACCESS_TOKEN: z.string().trim().min(1).optional(),
  HUBSPOT_CLIENT_SECRET: z.string().trim().min(1).optional(),
  HUBSPOT_API_BASE: httpUrl('(default https://api.hubapi.com)').default('https://api.hubapi.com'),
  HUBSPOT_REQUIRE_V3: z.stringbool({ error: 'must be true or false' }).default(false),
  SERVICE_ADMIN_KEY: z.string().trim().min(16, { message: 'must be at least 16 characters' }).optional(),
  SANDBOX_PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof configSchema>;

export interface Config {
  port: number;
  databaseUrl: string;
  /** Where HubSpot and browsers reach the service; signatures are computed over it, not req.host. */
  publicBaseUrl: string;
  hubspot: {
    /** Unset: the service starts the local sandbox portal and talks to it instead. */
    accessToken: string | undefined;
    clientSecret: string | undefined;
    apiBase: string;
  };
  /** Refuse HubSpot requests signed with v2 only, also on workflow actions (v2 has no timestamp, so it replays). */
  requireSignatureV3: boolean;
  adminKey: string | undefined;
  sandboxPort: number;
  logLevel: Env['LOG_LEVEL'];
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings are how shells and .env files say "unset".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    hubspot: { accessToken: e.HUBSPOT_ACCESS_TOKEN, clientSecret: e.HUBSPOT_CLIENT_SECRET, apiBase: e.HUBSPOT_API_BASE },
    requireSignatureV3: e.HUBSPOT_REQUIRE_V3,
    adminKey: e.SERVICE_ADMIN_KEY,
    sandboxPort: e.SANDBOX_PORT,
    logLevel: e.LOG_LEVEL,
  };
}
