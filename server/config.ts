import { isIP } from 'node:net';
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

/** Names proxy-addr (Express's `trust proxy`) understands for the private ranges. */
const NAMED_RANGES: readonly string[] = ['loopback', 'linklocal', 'uniquelocal'];

function proxyEntryProblem(entry: string): string | undefined {
  if (NAMED_RANGES.includes(entry)) return undefined;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return `"${entry}" is not an IP address or CIDR range`;
  if (prefix === undefined) return undefined;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128) ? undefined : `"${entry}" has an invalid prefix length`;
}

/**
 * Which peers may set X-Forwarded-For. Trusting every peer would let any client pick the address
 * the per-client rate limits key on, so the default trusts none and `true` is refused.
 */
const trustProxy = z.string().trim().transform((value, ctx): TrustProxy => {
  const usage = 'must be a hop count (e.g. 1) or a comma-separated list of proxy IPs or CIDR ranges (e.g. 10.0.0.0/8,::1)';
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= 32) return hops === 0 ? false : hops;
  }
  const entries = value.split(',').map((e) => e.trim());
  const problem = /^\d+$/.test(value)
    ? `${value} hops is more than any real chain of proxies`
    : value === 'true'
      ? '"true" would let every client choose its own address'
      : entries.map(proxyEntryProblem).find(Boolean);
  if (!problem) return entries;
  ctx.addIssue({ code: 'custom', message: `${usage}; ${problem}` });
  return z.NEVER;
});

const perMinute = (what: string) => {
  const message = `must be a whole number of ${what} per minute, at least 1`;
  return z.coerce.number({ message }).int({ message }).min(1, { message });
};

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
  PRIVACY_PSEUDONYM_KEY: z.string().trim().min(32, { message: 'must be at least 32 characters (a random secret kept outside the database)' }).optional(),
  DASHBOARD_LINK_KEY: z.string().trim().min(32, { message: 'must be at least 32 characters (a random secret kept outside the database)' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CALLBACK_RETRY_MINUTES: z.coerce.number({ message: 'must be a number of minutes' }).min(0).max(10_080).default(15),
  TRUST_PROXY: trustProxy.optional(),
  SHUTDOWN_DRAIN_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int({ message: 'must be a whole number of milliseconds' }).min(0, { message: 'must be a number of milliseconds' }).default(10_000),
  RATE_LIMIT_PAGE_VIEWS_PER_MINUTE: perMinute('page views').default(120),
  RATE_LIMIT_SUBMISSIONS_PER_MINUTE: perMinute('submissions').default(20),
  RATE_LIMIT_LINK_MISSES_PER_PREFIX_PER_MINUTE: perMinute('unknown codes').default(30),
  RATE_LIMIT_LINK_MISSES_PER_MINUTE: perMinute('unknown codes').default(300),
});

/** `false`: X-Forwarded-For is ignored; a number: that many proxy hops; a list: proxies by address. */
export type TrustProxy = false | number | string[];

/** Public endpoints' limits, per minute. */
export interface RateLimits {
  /** Per client: /r/:code, /refer/*, /join/*. */
  pageViews: number;
  /** Per client: POST /api/referrals, POST /api/signups. */
  submissions: number;
  /** Links with a code that is not active, per code prefix (all clients together). */
  linkMissesPerPrefix: number;
  /** Links with a code that is not active, for the whole service. */
  linkMisses: number;
}

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
  /** Keys the pseudonyms of erased people (docs/privacy.md); unset: derived from the client secret. */
  privacyKey?: string | undefined;
  /** Signs referrers' dashboard links (server/dashboard/); unset: derived from the client secret. */
  dashboardKey?: string | undefined;
  sandboxPort: number;
  logLevel: Env['LOG_LEVEL'];
  /** How long a callback completion HubSpot refuses (400/404) is retried before a person is asked. */
  callbackRetryWindowMs: number;
  trustProxy: TrustProxy;
  /** How long a stop waits for open connections to finish their requests before closing them. */
  shutdownDrainMs: number;
  rateLimits: RateLimits;
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
    privacyKey: e.PRIVACY_PSEUDONYM_KEY,
    dashboardKey: e.DASHBOARD_LINK_KEY,
    sandboxPort: e.SANDBOX_PORT,
    logLevel: e.LOG_LEVEL,
    callbackRetryWindowMs: e.CALLBACK_RETRY_MINUTES * 60_000,
    trustProxy: e.TRUST_PROXY ?? false,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    rateLimits: {
      pageViews: e.RATE_LIMIT_PAGE_VIEWS_PER_MINUTE,
      submissions: e.RATE_LIMIT_SUBMISSIONS_PER_MINUTE,
      linkMissesPerPrefix: e.RATE_LIMIT_LINK_MISSES_PER_PREFIX_PER_MINUTE,
      linkMisses: e.RATE_LIMIT_LINK_MISSES_PER_MINUTE,
    },
  };
}
