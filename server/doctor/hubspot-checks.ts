import fs from 'node:fs';
import path from 'node:path';
import type { HubSpotGateway } from '../hubspot/gateway';
import { setUpPortal, type SetupStep } from '../setup/hubspot-setup';
import { errorMessage, fail, pass, type CheckResult } from './check';
import { hubspotMessage, hubspotRequest, type HubSpotConnection } from './hubspot-request';

const GROUP = 'HubSpot';
const PROJECT_APP = path.resolve(__dirname, '../../src/app/app-hsmeta.json');

/** The scopes the project's app definition asks for: what the private app's token must carry. */
export function requiredScopes(appFile = PROJECT_APP): string[] {
  const app = JSON.parse(fs.readFileSync(appFile, 'utf8')) as { config?: { auth?: { requiredScopes?: unknown } } };
  const scopes = app.config?.auth?.requiredScopes;
  return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [];
}

/**
 * A request per scope that HubSpot refuses with 403 when the token lacks the scope and that changes
 * nothing otherwise (reads, or writes to a record or property that does not exist). Used when the
 * token's scope list cannot be read directly.
 */
const SCOPE_PROBES: Record<string, { method: string; path: string; body?: unknown }> = {
  'crm.objects.contacts.read': { method: 'GET', path: '/crm/v3/objects/contacts?limit=1' },
  'crm.objects.contacts.write': { method: 'PATCH', path: '/crm/v3/objects/contacts/0', body: { properties: {} } },
  'crm.objects.deals.read': { method: 'GET', path: '/crm/v3/objects/deals?limit=1' },
  'crm.schemas.contacts.read': { method: 'GET', path: '/crm/v3/properties/contacts/groups' },
  'crm.schemas.contacts.write': { method: 'PATCH', path: '/crm/v3/properties/contacts/referral_ops_scope_probe', body: { label: 'probe' } },
  'crm.objects.owners.read': { method: 'GET', path: '/crm/v3/owners?limit=1' },
  automation: {
    method: 'POST',
    path: '/automation/v4/actions/callbacks/referral-ops-scope-probe/complete',
    body: { outputFields: { hs_execution_state: 'SUCCESS' } },
  },
};

/** Credentials first: without them every other HubSpot check would fail for the same reason. */
export async function checkCredentials(conn: HubSpotConnection): Promise<CheckResult> {
  const name = 'credentials work';
  try {
    const answer = await hubspotRequest(conn, 'GET', '/crm/v3/objects/contacts?limit=1');
    if (answer.status === 401) {
      return fail(GROUP, name, `HubSpot refused the access token: ${hubspotMessage(answer)}`,
        'set HUBSPOT_ACCESS_TOKEN to the private app\'s access token (Development → Private apps → Auth)');
    }
    if (answer.status >= 500) return fail(GROUP, name, `HubSpot answered ${answer.status}`, 'try again; if it persists check status.hubspot.com');
    return pass(GROUP, name, `token accepted by ${conn.apiBase}`);
  } catch (err) {
    return fail(GROUP, name, `cannot reach ${conn.apiBase}: ${errorMessage(err)}`, 'check HUBSPOT_API_BASE and the network');
  }
}

async function tokenScopes(conn: HubSpotConnection): Promise<string[] | undefined> {
  const answer = await hubspotRequest(conn, 'POST', '/oauth/v2/private-apps/get/access-token-info', { tokenKey: conn.accessToken });
  const scopes = (answer.body as { scopes?: unknown } | undefined)?.scopes;
  return answer.status === 200 && Array.isArray(scopes) ? scopes.map(String) : undefined;
}

export async function checkScopes(conn: HubSpotConnection, scopes = requiredScopes()): Promise<CheckResult[]> {
  const granted = await tokenScopes(conn).catch(() => undefined);
  const results: CheckResult[] = [];
  for (const scope of scopes) {
    const name = `token carries scope ${scope}`;
    const fix = `add the ${scope} scope to the private app and use its new token`;
    if (granted) {
      results.push(granted.includes(scope) ? pass(GROUP, name) : fail(GROUP, name, 'the token does not carry it', fix));
      continue;
    }
    const probe = SCOPE_PROBES[scope];
    if (!probe) {
      results.push(pass(GROUP, name, 'implied by working credentials'));
      continue;
    }
    const answer = await hubspotRequest(conn, probe.method, probe.path, probe.body);
    results.push(answer.status === 403 || answer.status === 401
      ? fail(GROUP, name, hubspotMessage(answer), fix)
      : pass(GROUP, name));
  }
  return results;
}

const SETUP_FIX = 'run `npm run setup` against this portal';

function setupCheck(step: SetupStep): CheckResult {
  const name = `${step.kind} ${step.name} exists`;
  switch (step.action) {
    case 'unchanged':
      return pass(GROUP, name);
    case 'created':
      return fail(GROUP, name, 'missing', SETUP_FIX);
    case 'updated':
      return fail(GROUP, name, `incomplete: setup would ${step.detail ?? 'update it'}`, SETUP_FIX);
    case 'conflict':
      return fail(GROUP, name, step.detail ?? 'conflicts with what the product needs', 'change or delete the definition in HubSpot, then run `npm run setup`');
  }
}

/** The same list `npm run setup` creates, read without changing anything: one line per piece. */
export async function checkPortalSetup(gateway: HubSpotGateway): Promise<CheckResult[]> {
  try {
    const report = await setUpPortal(gateway, { dryRun: true });
    return report.steps.map(setupCheck);
  } catch (err) {
    return [fail(GROUP, 'properties and association label', `could not read them: ${errorMessage(err)}`, 'fix the credentials and scopes above first')];
  }
}
