import fs from 'node:fs';
import path from 'node:path';
import { createServiceClient, ServiceError } from '../../src/functions/lib/service-client';
import { errorMessage, fail, pass, type CheckResult } from './check';

/**
 * The app functions' secrets (platform 2026.03 app secrets, `hs app secret add`).
 *
 * What the doctor can verify: that each function declares in its hsmeta `secretKeys` every secret
 * its code reads (HubSpot passes a function only the secrets it declares), and that the values the
 * operator holds for SERVICE_URL and SERVICE_ADMIN_KEY open the service's admin API the way the
 * functions call it. What it cannot: the values stored in HubSpot. App secrets are managed with a
 * developer's personal access key through the CLI, whose API lists names and never values, and the
 * private app's token the doctor holds cannot read them. `hs app secret list` shows which are set.
 */
const GROUP = 'Secrets';
const ROOT = path.resolve(__dirname, '../..');
export const FUNCTIONS_SOURCE_DIR = path.join(ROOT, 'src/functions');
export const FUNCTIONS_META_DIR = path.join(ROOT, 'src/app/functions');

/**
 * Functions read their secrets through one helper, `requireSecret(env, 'NAME')` in
 * src/functions/lib/define-function.ts; a literal name is what lets this check see the read.
 */
const SECRET_READ = /\brequireSecret\(\s*[\w.]+\s*,\s*([^)]*?)\s*\)/g;
const LITERAL_NAME = /^['"]([A-Z][A-Z0-9_]*)['"]$/;
const RELATIVE_IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function resolveModule(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  return [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
}

/** The source files a function is built from: its index.ts and every relative import, transitively. */
function sourceFiles(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, specifier = ''] of fs.readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const resolved = resolveModule(file, specifier);
      if (resolved) pending.push(resolved);
    }
  }
  return [...seen];
}

export interface SecretReads {
  names: string[];
  /** Reads whose name is computed, which no declaration check can follow. */
  unreadable: string[];
}

/** Secret names read by a function's code; `root` only shortens the file names in messages. */
export function secretsReadBy(entry: string, root = ROOT): SecretReads {
  const names = new Set<string>();
  const unreadable: string[] = [];
  for (const file of sourceFiles(entry)) {
    for (const [call, argument = ''] of fs.readFileSync(file, 'utf8').matchAll(SECRET_READ)) {
      const literal = LITERAL_NAME.exec(argument)?.[1];
      if (literal) names.add(literal);
      else unreadable.push(`${path.relative(root, file)}: ${call}`);
    }
  }
  return { names: [...names].sort(), unreadable };
}

function declaredSecrets(metaFile: string): string[] {
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { config?: { secretKeys?: unknown } };
  const keys = meta.config?.secretKeys;
  return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
}

export interface DeclaredSecretOptions {
  sourceDir?: string;
  metaDir?: string;
}

/** One line per function: the secrets its code reads are all in its `secretKeys`. */
export function checkDeclaredSecrets(opts: DeclaredSecretOptions = {}): CheckResult[] {
  const sourceDir = opts.sourceDir ?? FUNCTIONS_SOURCE_DIR;
  const metaDir = opts.metaDir ?? FUNCTIONS_META_DIR;
  let names: string[];
  try {
    names = fs.readdirSync(sourceDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(sourceDir, d.name, 'index.ts')))
      .map((d) => d.name)
      .sort();
  } catch (err) {
    return [fail(GROUP, 'functions can be read', `cannot read ${sourceDir}: ${errorMessage(err)}`, 'run the doctor from a checkout of the project')];
  }
  return names.map((name) => {
    const check = `function ${name} declares the secrets it reads`;
    const metaFile = path.join(metaDir, `${name}-hsmeta.json`);
    // Named from the project root (src/app/functions/… sits three levels down), also for a copy.
    const metaName = path.relative(path.resolve(metaDir, '../../..'), metaFile);
    try {
      const reads = secretsReadBy(path.join(sourceDir, name, 'index.ts'), path.resolve(sourceDir, '../..'));
      if (reads.unreadable.length > 0) {
        return fail(GROUP, check, `reads a secret by a computed name (${reads.unreadable.join('; ')})`, 'pass the secret name to requireSecret as a literal');
      }
      const declared = declaredSecrets(metaFile);
      const missing = reads.names.filter((n) => !declared.includes(n));
      if (missing.length > 0) {
        return fail(GROUP, check, `reads ${missing.join(', ')}, which ${metaName} does not list in secretKeys, so HubSpot never passes ${missing.length === 1 ? 'it' : 'them'}`,
          `add ${missing.join(', ')} to secretKeys in ${metaName} and upload the project`);
      }
      return pass(GROUP, check, reads.names.join(', ') || 'none');
    } catch (err) {
      return fail(GROUP, check, errorMessage(err), `check ${metaName} and src/functions/${name}/`);
    }
  });
}

export interface ServiceSecretOptions {
  /** The service's address: what the SERVICE_URL app secret must hold. */
  publicBaseUrl: string;
  /** The admin key the operator holds: what the SERVICE_ADMIN_KEY app secret must hold. */
  adminKey: string | undefined;
  fetch?: typeof fetch;
}

const ADD_KEY = 'npx hs app secret add SERVICE_ADMIN_KEY';

/**
 * The functions' own service client, with SERVICE_URL = PUBLIC_BASE_URL and the admin key held here,
 * must be let in; and without the key the admin API must refuse, or the secret protects nothing.
 */
export async function checkServiceSecrets(opts: ServiceSecretOptions): Promise<CheckResult[]> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const results: CheckResult[] = [];
  const accepted = 'SERVICE_URL and SERVICE_ADMIN_KEY open the admin API';
  if (!opts.adminKey) {
    results.push(fail(GROUP, accepted, 'SERVICE_ADMIN_KEY is not set where the doctor runs, so the key the functions use cannot be tried',
      `set SERVICE_ADMIN_KEY here to the value given to \`${ADD_KEY}\``));
  } else {
    const client = createServiceClient({ baseUrl: opts.publicBaseUrl, adminKey: opts.adminKey, actor: null, fetch: doFetch });
    try {
      const programs = await client.listPrograms();
      results.push(pass(GROUP, accepted, `${opts.publicBaseUrl} let the functions' client in (${programs.length} program${programs.length === 1 ? '' : 's'})`));
    } catch (err) {
      const refused = err instanceof ServiceError && /^(UNAUTHENTICATED|FORBIDDEN|HTTP_40[13])$/.test(err.code);
      results.push(fail(GROUP, accepted,
        refused ? `${opts.publicBaseUrl} refused the admin key` : errorMessage(err),
        refused
          ? `give the service and the app secret the same key: SERVICE_ADMIN_KEY on the service, \`${ADD_KEY}\` (or \`npx hs app secret update SERVICE_ADMIN_KEY\`) in HubSpot`
          : 'set the SERVICE_URL app secret to PUBLIC_BASE_URL, and check the service'));
    }
  }
  const guarded = 'the admin API refuses calls without the key';
  try {
    const res = await doFetch(`${opts.publicBaseUrl.replace(/\/+$/, '')}/api/programs`, { signal: AbortSignal.timeout(10_000) });
    await res.body?.cancel();
    results.push(res.status === 401
      ? pass(GROUP, guarded)
      : fail(GROUP, guarded, `GET /api/programs without a key answered ${res.status}`, 'set SERVICE_ADMIN_KEY on the service'));
  } catch (err) {
    results.push(fail(GROUP, guarded, `the service could not be called: ${errorMessage(err)}`, 'fix the service check above first'));
  }
  return results;
}
