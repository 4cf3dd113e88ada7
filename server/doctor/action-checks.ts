import fs from 'node:fs';
import path from 'node:path';
import { signRequest } from '../../sandbox/signing';
import { errorMessage, fail, pass, type CheckResult } from './check';

const GROUP = 'Workflow action';
export const PROJECT_ACTIONS_DIR = path.resolve(__dirname, '../../src/app/workflow-actions');

interface ActionDefinition {
  uid: string;
  config: {
    actionUrl: string;
    inputFields?: Array<{ typeDefinition: { name: string; optionsUrl?: string } }>;
  };
}

export interface ActionCheckOptions {
  publicBaseUrl: string;
  /** The app's client secret: the doctor signs its calls as HubSpot does. */
  clientSecret: string | undefined;
  programId: string;
  actionsDir?: string;
  clock?: () => number;
}

function loadDefinitions(dir: string, serviceUrl: string): ActionDefinition[] {
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('-hsmeta.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8').replaceAll('${SERVICE_URL}', serviceUrl)) as ActionDefinition);
}

async function signedPost(url: string, body: unknown, clientSecret: string, now: number): Promise<{ status: number; body: unknown }> {
  const raw = JSON.stringify(body);
  const headers = signRequest({ clientSecret, method: 'POST', url, body: raw, timestamp: now });
  const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: raw, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

function refusedSignature(status: number): string | undefined {
  return status === 401 ? 'the service refused HubSpot\'s signature' : undefined;
}
const SECRET_FIX = 'set HUBSPOT_CLIENT_SECRET to the app\'s client secret on the service';

/**
 * The action URL must be one the service serves: an empty signed request has to reach the action and
 * be refused as bad input (4xx with the service's error body), which writes nothing.
 */
async function checkActionUrl(def: ActionDefinition, opts: ActionCheckOptions & { clientSecret: string }, now: number): Promise<CheckResult> {
  const name = `${def.uid} action URL is served`;
  const answer = await signedPost(def.config.actionUrl, {}, opts.clientSecret, now);
  const refused = refusedSignature(answer.status);
  if (refused) return fail(GROUP, name, refused, SECRET_FIX);
  const code = (answer.body as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (answer.status === 404 && code === 'NOT_FOUND') {
    return fail(GROUP, name, `${def.config.actionUrl} is not served by this service`, 'deploy the service version that matches the project, then `hs project upload`');
  }
  if (answer.status === 400 || answer.status === 422) return pass(GROUP, name, def.config.actionUrl);
  return fail(GROUP, name, `${def.config.actionUrl} answered ${answer.status}`, 'check the service logs');
}

async function checkOptionsUrl(def: ActionDefinition, field: string, url: string, opts: ActionCheckOptions & { clientSecret: string }, now: number): Promise<CheckResult> {
  const name = `${def.uid} options for "${field}" are served`;
  const answer = await signedPost(url, { inputFieldName: field, inputFields: {}, fetchOptions: {} }, opts.clientSecret, now);
  const refused = refusedSignature(answer.status);
  if (refused) return fail(GROUP, name, refused, SECRET_FIX);
  const options = (answer.body as { options?: Array<{ value?: unknown }> } | undefined)?.options;
  if (answer.status !== 200 || !Array.isArray(options)) return fail(GROUP, name, `${url} answered ${answer.status} without options`, 'deploy the service version that matches the project');
  if (field === 'program' && !options.some((o) => o.value === opts.programId)) {
    return fail(GROUP, name, `program "${opts.programId}" is not among the choices`, 'save the program in the service the project points at');
  }
  return pass(GROUP, name, `${options.length} choice${options.length === 1 ? '' : 's'}`);
}

/** Each workflow action defined in the project, resolved with SERVICE_URL = PUBLIC_BASE_URL, against the running service. */
export async function checkWorkflowActions(opts: ActionCheckOptions): Promise<CheckResult[]> {
  const { clientSecret } = opts;
  if (!clientSecret) return [fail(GROUP, 'calls can be signed', 'HUBSPOT_CLIENT_SECRET is not set', SECRET_FIX)];
  const now = (opts.clock ?? Date.now)();
  const signed = { ...opts, clientSecret };
  const results: CheckResult[] = [];
  for (const def of loadDefinitions(opts.actionsDir ?? PROJECT_ACTIONS_DIR, opts.publicBaseUrl)) {
    try {
      results.push(await checkActionUrl(def, signed, now));
      for (const input of def.config.inputFields ?? []) {
        const url = input.typeDefinition.optionsUrl;
        if (url) results.push(await checkOptionsUrl(def, input.typeDefinition.name, url, signed, now));
      }
    } catch (err) {
      results.push(fail(GROUP, `${def.uid} matches the service`, `the service could not be called: ${errorMessage(err)}`, 'fix the service check above first'));
    }
  }
  return results;
}
