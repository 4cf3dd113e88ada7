import { readFileSync } from 'node:fs';
import pino from 'pino';
import { z } from 'zod';
import { DEFAULT_PORT, sandboxConfigFromEnv } from './config';
import { DEFAULT_CLIENT_SECRET, startSandbox } from './index';

/**
 * `npm run sandbox`: a local HubSpot portal (CRM API + workflow engine) for running the service without a
 * HubSpot account. Configuration comes from the environment, parsed once here.
 */
const present = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined && value !== ''));
const env = z
  .object({
    // The service verifies signatures with HUBSPOT_CLIENT_SECRET, so the same variable keeps both sides in step.
    SANDBOX_CLIENT_SECRET: z.string().optional(),
    HUBSPOT_CLIENT_SECRET: z.string().optional(),
    /** `${SERVICE_URL}` in hsmeta files: where workflow actions are sent. */
    SERVICE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
    PORT: z.coerce.number().int().default(3000),
    /** An hsprofile whose `variables` resolve `${VAR}` in hsmeta files (SERVICE_URL above wins). */
    SANDBOX_HSPROFILE: z.string().optional(),
    /** A JSON array of workflows to register at start (see docs/sandbox.md). */
    SANDBOX_WORKFLOWS: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .safeParse(present);

if (!env.success) {
  const issue = env.error.issues[0]!;
  console.error(`Invalid configuration: ${String(issue.path[0] ?? 'environment')} ${issue.message}`);
  process.exit(1);
}
const config = env.data;
// Port, token, tier, scale and faults are the CRM server's settings (SANDBOX_PORT, SANDBOX_ACCESS_TOKEN, …).
const crm = sandboxConfigFromEnv(process.env);
const logger = pino({
  level: config.LOG_LEVEL,
  base: { service: 'hubspot-sandbox' },
  redact: { paths: ['*.headers["x-hubspot-signature"]', '*.headers["x-hubspot-signature-v3"]'], censor: '[redacted]' },
});

function profileVariables(file: string | undefined): Record<string, string> {
  if (!file) return {};
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { variables?: Record<string, string> };
  return profile.variables ?? {};
}

async function main(): Promise<void> {
  const serviceUrl = (config.SERVICE_URL ?? config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  const variables = { ...profileVariables(config.SANDBOX_HSPROFILE), SERVICE_URL: serviceUrl };
  const sandbox = await startSandbox({
    port: crm.port ?? DEFAULT_PORT,
    clientSecret: config.SANDBOX_CLIENT_SECRET ?? config.HUBSPOT_CLIENT_SECRET ?? DEFAULT_CLIENT_SECRET,
    variables,
    ...(config.SANDBOX_WORKFLOWS && { workflowsFile: config.SANDBOX_WORKFLOWS }),
    // The project's webhooks go to SERVICE_URL, as HubSpot sends them to an installed app.
    webhooks: true,
    logger,
  });
  logger.info(
    { url: sandbox.url, portalId: sandbox.portal.portalId, workflows: sandbox.engine.workflows().length, variables },
    `HubSpot sandbox listening at ${sandbox.url} (bearer token from SANDBOX_ACCESS_TOKEN)`,
  );
  const stop = () => {
    logger.info('stopping sandbox');
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  logger.error({ err: error }, `sandbox failed to start: ${(error as Error).message}`);
  process.exit(1);
});
