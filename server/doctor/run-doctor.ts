import type { Config } from '../config';
import type { Db } from '../db/database';
import type { HubSpotGateway } from '../hubspot/gateway';
import { findProgram, listPrograms } from '../programs/repository';
import { checkWorkflowActions } from './action-checks';
import { errorMessage, fail, pass, type CheckResult } from './check';
import { checkCredentials, checkPortalSetup, checkScopes } from './hubspot-checks';
import { checkProgram } from './program-checks';
import { checkDeclaredSecrets, checkServiceSecrets } from './secret-checks';

export interface DoctorDeps {
  config: Config;
  db: Db;
  /**
   * The account's gateway (the service's own, or the CLI's). The credential and scope checks call
   * HubSpot bare instead, with the configured token: they test that token, and must see HubSpot's
   * 401 and 403 as they are.
   */
  gateway: HubSpotGateway;
  clock?: () => number;
  /** Where the project's workflow action definitions live (tests point at a copy). */
  actionsDir?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

async function checkServiceReachable(publicBaseUrl: string): Promise<CheckResult> {
  const name = 'reachable at PUBLIC_BASE_URL';
  const url = `${publicBaseUrl}/healthz`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (res.ok) return pass('Service', name, publicBaseUrl);
    return fail('Service', name, `${url} answered ${res.status}`, 'check the service logs; /healthz fails when the database is unreachable');
  } catch (err) {
    return fail('Service', name, `${url} did not answer: ${errorMessage(err)}`,
      'start the service and set PUBLIC_BASE_URL to the https address HubSpot and browsers use to reach it');
  }
}

interface PortalChecks {
  checks: CheckResult[];
  serviceOk: boolean;
  credentialsOk: boolean;
}

/** What every program relies on: the service, the HubSpot credentials and setup, the functions' secrets. */
async function checkPortal(deps: DoctorDeps): Promise<PortalChecks> {
  const { config } = deps;
  const checks: CheckResult[] = [];
  const service = await checkServiceReachable(config.publicBaseUrl);
  checks.push(service);

  const conn = { accessToken: config.hubspot.accessToken ?? '', apiBase: config.hubspot.apiBase };
  const credentials = config.hubspot.accessToken
    ? await checkCredentials(conn)
    : fail('HubSpot', 'credentials work', 'HUBSPOT_ACCESS_TOKEN is not set', 'set HUBSPOT_ACCESS_TOKEN to the private app\'s access token');
  checks.push(credentials);
  if (credentials.ok) {
    checks.push(...(await checkScopes(conn)));
    checks.push(...(await checkPortalSetup(deps.gateway)));
  }

  checks.push(...checkDeclaredSecrets());
  if (service.ok) checks.push(...(await checkServiceSecrets({ publicBaseUrl: config.publicBaseUrl, adminKey: config.adminKey })));
  return { checks, serviceOk: service.ok, credentialsOk: credentials.ok };
}

export interface ProgramSummary {
  id: string;
  name: string;
  status: string;
}

export interface PortalReport extends DoctorReport {
  /** Every program in the service's database; undefined when they could not be read (a failed check says why). */
  programs: ProgramSummary[] | undefined;
}

/** The checklist without a program: the portal, the service and the secrets, and which programs exist. */
export async function runPortalDoctor(deps: DoctorDeps): Promise<PortalReport> {
  const { checks } = await checkPortal(deps);
  let programs: ProgramSummary[] | undefined;
  try {
    programs = (await listPrograms(deps.db)).map((p) => ({ id: p.id, name: p.name, status: p.status }));
    checks.push(pass('Program', 'programs can be read', `${programs.length} program${programs.length === 1 ? '' : 's'}`));
  } catch (err) {
    checks.push(fail('Program', 'programs can be read', `cannot read programs: ${errorMessage(err)}`, PROGRAMS_FIX));
  }
  return { ok: checks.every((c) => c.ok), checks, programs };
}

const PROGRAMS_FIX = 'point DATABASE_URL at the service\'s database (run `npm run migrate` on a new one)';

/**
 * The launch checklist for one program, as executable checks. Checks that depend on an earlier one
 * (HubSpot data needs working credentials, actions need a reachable service) are skipped with that
 * reason rather than failing a second time for the same cause.
 */
export async function runDoctor(deps: DoctorDeps, programId: string): Promise<DoctorReport> {
  const { config } = deps;
  const { checks, serviceOk, credentialsOk } = await checkPortal(deps);

  const program = await findProgram(deps.db, programId).catch((err: unknown) => err instanceof Error ? err : new Error(String(err)));
  if (program instanceof Error) {
    checks.push(fail('Program', `"${programId}" exists`, `cannot read programs: ${program.message}`, PROGRAMS_FIX));
  } else if (!program) {
    checks.push(fail('Program', `"${programId}" exists`, 'no program with this id in the service\'s database', 'create it in the settings page, or check the id and DATABASE_URL'));
  } else {
    checks.push(pass('Program', `"${programId}" exists`, program.name));
    if (credentialsOk) checks.push(...(await checkProgram(deps.gateway, program)));
  }

  if (serviceOk) {
    checks.push(...(await checkWorkflowActions({
      publicBaseUrl: config.publicBaseUrl,
      clientSecret: config.hubspot.clientSecret,
      programId,
      ...(deps.actionsDir && { actionsDir: deps.actionsDir }),
      ...(deps.clock && { clock: deps.clock }),
    })));
  }
  return { ok: checks.every((c) => c.ok), checks };
}
