import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { checkDeclaredSecrets, checkServiceSecrets, FUNCTIONS_META_DIR, FUNCTIONS_SOURCE_DIR } from '../../../server/doctor/secret-checks';

/** A copy of the project's function sources and hsmeta files, for edits a test makes. */
const made: string[] = [];
afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function copyProject(): { sourceDir: string; metaDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-secrets-'));
  made.push(dir);
  // The functions import the domain package under src/app/packages, so the copy keeps the same layout under src/.
  const sourceDir = path.join(dir, 'src/functions');
  const metaDir = path.join(dir, 'src/app/functions');
  fs.cpSync(FUNCTIONS_SOURCE_DIR, sourceDir, { recursive: true });
  fs.mkdirSync(metaDir, { recursive: true });
  for (const file of fs.readdirSync(FUNCTIONS_META_DIR).filter((f) => f.endsWith('-hsmeta.json'))) {
    fs.copyFileSync(path.join(FUNCTIONS_META_DIR, file), path.join(metaDir, file));
  }
  return { sourceDir, metaDir };
}

function editMeta(metaDir: string, name: string, edit: (meta: { config: { secretKeys: string[] } }) => void): void {
  const file = path.join(metaDir, `${name}-hsmeta.json`);
  const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as { config: { secretKeys: string[] } };
  edit(meta);
  fs.writeFileSync(file, JSON.stringify(meta));
}

const failures = (checks: ReturnType<typeof checkDeclaredSecrets>) => checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);

describe('each function declares the secrets it reads', () => {
  test("the project's functions pass, each reading SERVICE_URL and SERVICE_ADMIN_KEY through the shared helper", () => {
    const checks = checkDeclaredSecrets();
    expect(checks.map((c) => c.name)).toEqual(
      ['enrol-contact', 'explain', 'funnel-report', 'program-settings', 'referral-story', 'review-reward'].map((n) => `function ${n} declares the secrets it reads`),
    );
    expect(checks.every((c) => c.ok && c.detail === 'SERVICE_ADMIN_KEY, SERVICE_URL')).toBe(true);
  });

  test('a secret missing from one function’s secretKeys fails that function, naming the secret and the file', () => {
    const { sourceDir, metaDir } = copyProject();
    editMeta(metaDir, 'review-reward', (m) => { m.config.secretKeys = ['SERVICE_URL']; });
    const checks = checkDeclaredSecrets({ sourceDir, metaDir });
    expect(failures(checks)).toEqual([
      'function review-reward declares the secrets it reads: reads SERVICE_ADMIN_KEY, which src/app/functions/review-reward-hsmeta.json does not list in secretKeys, so HubSpot never passes it',
    ]);
    expect(checks.find((c) => !c.ok)?.fix).toMatch(/add SERVICE_ADMIN_KEY to secretKeys in src\/app\/functions\/review-reward-hsmeta\.json/);
  });

  test('a secret read in a function’s own file, not only in the shared helper, is found', () => {
    const { sourceDir, metaDir } = copyProject();
    const index = path.join(sourceDir, 'funnel-report/index.ts');
    fs.appendFileSync(index, "\nexport const region = (env: Record<string, string>) => requireSecret(env, 'REPORT_REGION');\n");
    expect(failures(checkDeclaredSecrets({ sourceDir, metaDir }))).toEqual([
      expect.stringMatching(/^function funnel-report declares the secrets it reads: reads REPORT_REGION, which/),
    ]);
  });

  test('a secret read by a computed name fails, since no declaration check can follow it', () => {
    const { sourceDir, metaDir } = copyProject();
    fs.appendFileSync(path.join(sourceDir, 'enrol-contact/index.ts'), '\nexport const any = (env: Record<string, string>, n: string) => requireSecret(env, n);\n');
    expect(failures(checkDeclaredSecrets({ sourceDir, metaDir }))).toEqual([
      expect.stringMatching(/^function enrol-contact declares the secrets it reads: reads a secret by a computed name \(.*requireSecret\(env, n\)\)/),
    ]);
  });
});

describe('the admin key the functions use, against a service', () => {
  /** A service whose admin API lets everyone in: the key would protect nothing. */
  let open: http.Server;
  let url: string;
  beforeAll(async () => {
    open = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"programs":[]}'));
    await new Promise<void>((resolve) => open.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(open.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => open.close(() => resolve())));

  test('an admin API that answers without a key fails the check', async () => {
    const checks = await checkServiceSecrets({ publicBaseUrl: url, adminKey: 'any-key-at-all-0123' });
    expect(checks.map((c) => [c.name, c.ok, c.detail])).toEqual([
      ['SERVICE_URL and SERVICE_ADMIN_KEY open the admin API', true, `${url} let the functions' client in (0 programs)`],
      ['the admin API refuses calls without the key', false, 'GET /api/programs without a key answered 200'],
    ]);
  });

  test('without SERVICE_ADMIN_KEY here, the key cannot be tried and the check says how to provide it', async () => {
    const [keyCheck] = await checkServiceSecrets({ publicBaseUrl: url, adminKey: undefined });
    expect(keyCheck).toMatchObject({ ok: false, detail: expect.stringMatching(/SERVICE_ADMIN_KEY is not set where the doctor runs/) });
    expect(keyCheck?.fix).toMatch(/npx hs app secret add SERVICE_ADMIN_KEY/);
  });
});
