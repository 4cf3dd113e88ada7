import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildUiExtension,
  findInstallLocations,
  findUiExtensions,
  findUndeclaredImports,
  findUploadWorkspaces,
  installDependencies,
  layOutAsUpload,
  type RunnerAnswer,
  type UiExtension,
} from '../../scripts/ui-build';

const root = path.resolve(__dirname, '../..');

// One upload layout for the whole file: installing is the slow part, and nothing here changes the
// installed packages.
let uploadDir: string;
let srcDir: string;
let installLocations: string[];
const extensions = findUiExtensions(path.join(root, 'src'));
const builds = new Map<string, RunnerAnswer<{ outputDir: string }>>();

beforeAll(async () => {
  uploadDir = layOutAsUpload(root);
  srcDir = path.join(uploadDir, 'src');
  installLocations = await findInstallLocations(uploadDir);
  await installDependencies(uploadDir, installLocations);
  for (const extension of extensions) {
    builds.set(extension.uid, await buildUiExtension(srcDir, extension, path.join(uploadDir, 'dist', extension.uid)));
  }
}, 240_000);

afterAll(() => {
  if (uploadDir) rmSync(uploadDir, { recursive: true, force: true });
});

describe("HubSpot's build of the UI extensions, on the project laid out as an upload", () => {
  test('the hsmeta files declare the card, the settings page and the app page', () => {
    expect(extensions.map(({ uid, type, folder }) => ({ uid, type, folder }))).toEqual([
      { uid: 'referral_card', type: 'card', folder: 'app/cards' },
      { uid: 'referral_ops_home', type: 'page', folder: 'app/pages' },
      { uid: 'referral_settings', type: 'settings', folder: 'app/settings' },
    ]);
  });

  test("HubSpot's upload finds every workspace member inside srcDir, declared by src/app/package.json", async () => {
    const declaredIn = 'app/package.json';
    expect(await findUploadWorkspaces(srcDir)).toEqual(
      ['app/cards', 'app/packages/contracts', 'app/packages/domain', 'app/packages/ui-shared', 'app/pages', 'app/settings'].map((member) => ({ member, declaredIn })),
    );
  });

  test("HubSpot's CLI installs the UI workspace once, at src/app, and the functions on their own", () => {
    expect(installLocations).toEqual(['src/app', 'src/app/functions']);
  });

  test.each(extensions.map((e) => [e.uid, e] as [string, UiExtension]))('%s builds with remoteBuild and produces its bundle', (uid, extension) => {
    const answer = builds.get(uid);
    expect(answer).toEqual({ ok: true, result: expect.anything() });
    const entryName = path.parse(extension.entrypoint).name;
    const bundle = path.join(uploadDir, 'dist', uid, `${entryName}.js`);
    expect(existsSync(bundle) && statSync(bundle).size).toBeGreaterThan(1000);
    const manifest = JSON.parse(readFileSync(path.join(uploadDir, 'dist', uid, `${entryName}-manifest.json`), 'utf8')) as { entry: string };
    expect(manifest.entry).toBe(path.basename(extension.entrypoint));
  });

  test('shared code reaches each bundle from the workspace packages, not from outside srcDir', () => {
    const settings = readFileSync(path.join(uploadDir, 'dist', 'referral_settings', 'SettingsPage-manifest.json'), 'utf8');
    // parseProgram comes from the domain package and needs zod: both resolved inside the upload.
    expect(settings).toContain(path.join(srcDir, 'app/packages/domain/program.ts'));
    expect(settings).toContain(path.join(srcDir, 'app/node_modules/zod'));
    expect(settings).not.toContain(root + path.sep);
  });

  test('a component importing a package its folder does not install fails the build, naming the package', async () => {
    const folder = 'app/pages';
    writeFileSync(
      path.join(srcDir, folder, 'UndeclaredImport.tsx'),
      "import { format } from 'date-fns';\nimport { Text, hubspot } from '@hubspot/ui-extensions';\n" +
        "hubspot.extend<'pages'>(() => <Text>{format(new Date(), 'PP')}</Text>);\n",
    );
    const outputDir = path.join(uploadDir, 'dist', 'undeclared');
    mkdirSync(outputDir, { recursive: true });
    try {
      const answer = await buildUiExtension(srcDir, { folder, entrypoint: `${folder}/UndeclaredImport.tsx` }, outputDir);
      expect(answer).toEqual({ ok: false, message: expect.stringContaining('"date-fns" cannot be resolved') });
    } finally {
      rmSync(path.join(srcDir, folder, 'UndeclaredImport.tsx'));
    }
  }, 60_000);
});

describe('dependencies of the UI code', () => {
  test("every package a UI file imports is declared in its own folder's package.json", () => {
    expect(findUndeclaredImports(path.join(root, 'src'))).toEqual([]);
  });

  test('an import that builds only because another workspace hoisted the package is reported', () => {
    const file = path.join(srcDir, 'app/pages/HoistedImport.ts');
    writeFileSync(file, "import { z } from 'zod';\nexport const id = z.string();\n");
    try {
      expect(findUndeclaredImports(srcDir)).toEqual([{ packageFolder: 'app/pages', file: 'app/pages/HoistedImport.ts', packageName: 'zod' }]);
    } finally {
      rmSync(file);
    }
  });
});
