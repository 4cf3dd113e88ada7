import { z } from 'zod';
import type { FunctionResult } from '../../app/packages/contracts/app-functions';
import { createServiceClient, ServiceError, type ServiceClient } from './service-client';

/** What a function needs from its surroundings; `processDeps()` in HubSpot, fakes or local servers in tests. */
export interface FunctionDeps {
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
}

export function processDeps(): FunctionDeps {
  return { env: process.env, fetch: globalThis.fetch };
}

const actingUser = z.object({ userId: z.coerce.string().min(1), email: z.string().min(1) });

/**
 * The parts of HubSpot's function context used here. HubSpot passes the card's `parameters` and
 * the record's `propertiesToSend`; whether it also passes the calling user is not documented for
 * platform 2026.03, so a server-provided `user` wins and the card's `parameters.actor` is the fallback.
 */
const contextSchema = z.object({
  parameters: z.record(z.string(), z.unknown()).nullish().transform((p) => p ?? {}),
  propertiesToSend: z.record(z.string(), z.unknown()).nullish().transform((p) => p ?? {}),
  user: z.object({ id: z.coerce.string(), email: z.string() }).partial().nullish(),
});

export interface FunctionInput<P> {
  params: P;
  /** `hs_object_id` of the record the card sits on, when the card sent it. */
  recordId: string | undefined;
  actor: string | null;
  service: ServiceClient;
  deps: FunctionDeps;
}

function resolveActor(context: z.infer<typeof contextSchema>): string | null {
  if (context.user?.id && context.user.email) return `hubspot-user:${context.user.id}:${context.user.email}`;
  const fromCard = actingUser.safeParse(context.parameters.actor);
  return fromCard.success ? `hubspot-user:${fromCard.data.userId}:${fromCard.data.email}` : null;
}

function requireSecret(env: FunctionDeps['env'], name: string): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new ServiceError('MISSING_SECRET', `The Referral Ops app is missing its ${name} secret. A HubSpot admin must add it (hs app secret add ${name}) and redeploy.`);
  }
  return value;
}

const failure = (code: string, message: string, issues?: { path: string; message: string }[]): FunctionResult<never> => ({
  ok: false,
  error: issues ? { code, message, issues } : { code, message },
});

/**
 * Wraps a function body: validates parameters, builds the service client from the secrets, and turns
 * every failure into a `FunctionResult` the card can show. `requiresActor` guards decisions that
 * must be attributed to a person in the audit trail.
 */
export function defineFunction<P, T>(
  parameters: z.ZodType<P>,
  run: (input: FunctionInput<P>) => Promise<T>,
  options: { requiresActor: boolean },
) {
  async function handle(rawContext: unknown, deps: FunctionDeps): Promise<FunctionResult<T>> {
    const context = contextSchema.safeParse(rawContext ?? {});
    if (!context.success) return failure('BAD_CONTEXT', 'HubSpot called the function with an unexpected context; reload the page and try again.');
    const { actor: _actor, ...rest } = context.data.parameters;
    const params = parameters.safeParse(rest);
    if (!params.success) {
      const issues = params.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      return failure('BAD_PARAMETERS', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues);
    }
    const actor = resolveActor(context.data);
    if (options.requiresActor && !actor) {
      return failure('NO_ACTOR', 'Could not tell which HubSpot user is acting, so the decision cannot be recorded. Reload the page and try again.');
    }
    const recordId = context.data.propertiesToSend.hs_object_id;
    try {
      const service = createServiceClient({
        baseUrl: requireSecret(deps.env, 'SERVICE_URL'),
        adminKey: requireSecret(deps.env, 'SERVICE_ADMIN_KEY'),
        actor,
        fetch: deps.fetch,
      });
      const data = await run({ params: params.data, recordId: recordId === undefined ? undefined : String(recordId), actor, service, deps });
      return { ok: true, data };
    } catch (error) {
      if (error instanceof ServiceError) return failure(error.code, error.message, error.issues);
      // Logged for `hs project logs`; the card gets a message without internals.
      console.error(error);
      return failure('INTERNAL', 'Something went wrong in the Referral Ops app. Try again; if it keeps failing, tell your HubSpot admin.');
    }
  }
  return { handle, main: (context: unknown) => handle(context, processDeps()) };
}
