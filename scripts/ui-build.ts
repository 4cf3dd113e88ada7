/**
 * Builds the UI extensions the way a HubSpot upload does, so a project that would fail HubSpot's
 * build fails here first.
 *
 * An upload carries srcDir without node_modules; HubSpot installs dependencies from the package.json
 * files inside it and builds each UI extension from its own folder with `remoteBuild`. A bare import
 * resolves only through node_modules at or above the importing file inside srcDir, so the repository's
 * root node_modules, which makes everything resolve locally, must not take part: the project is
 * copied to an empty folder outside the repository first.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';

const run = promisify(execFile);
const runner = path.join(__dirname, 'ui-build-runner.mjs');

/** hsmeta component types whose entrypoint HubSpot builds as a UI extension. */
const UI_EXTENSION_TYPES = new Set(['card', 'settings', 'page']);

export interface UiExtension {
  uid: string;
  type: string;
  /** The extension's folder, relative to srcDir (e.g. `app/cards`): HubSpot builds with it as root. */
  folder: string;
  /** The entrypoint, relative to srcDir (e.g. `app/cards/ReferralCard.tsx`). */
  entrypoint: string;
}

export type RunnerAnswer<T> = { ok: true; result: T } | { ok: false; message: string };

async function runHubSpotTool<T>(args: string[], cwd: string): Promise<RunnerAnswer<T>> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'ui-build-answer-'));
  const outFile = path.join(outDir, 'answer.json');
  try {
    // HubSpot's CLI takes its working folder from INIT_CWD when set, which npm sets to where it started.
    await run(process.execPath, [runner, ...args, outFile], { cwd, env: { ...process.env, INIT_CWD: cwd }, maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(readFileSync(outFile, 'utf8')) as RunnerAnswer<T>;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** A copy of the project as an upload carries it: hsproject.json and srcDir, without any node_modules. */
export function layOutAsUpload(projectDir: string): string {
  const uploadDir = mkdtempSync(path.join(tmpdir(), 'hubspot-upload-'));
  cpSync(path.join(projectDir, 'hsproject.json'), path.join(uploadDir, 'hsproject.json'));
  const { srcDir } = JSON.parse(readFileSync(path.join(projectDir, 'hsproject.json'), 'utf8')) as { srcDir: string };
  cpSync(path.join(projectDir, srcDir), path.join(uploadDir, srcDir), {
    recursive: true,
    filter: (source) => path.basename(source) !== 'node_modules',
  });
  return uploadDir;
}

/** The folders where HubSpot's CLI runs `npm install` for this project, relative to the project folder. */
export async function findInstallLocations(uploadDir: string): Promise<string[]> {
  const answer = await runHubSpotTool<string[]>(['install-locations'], uploadDir);
  if (!answer.ok) throw new Error(`Could not list the install locations: ${answer.message}`);
  return answer.result.map((dir) => path.relative(uploadDir, dir).split(path.sep).join('/'));
}

/** The workspace members HubSpot's upload finds, relative to srcDir, with the package.json declaring each. */
export async function findUploadWorkspaces(srcDir: string): Promise<Array<{ member: string; declaredIn: string }>> {
  const answer = await runHubSpotTool<Array<{ workspaceDir: string; sourcePackageJsonPath: string }>>(['upload-workspaces', srcDir], srcDir);
  if (!answer.ok) throw new Error(`HubSpot's upload would refuse the workspaces: ${answer.message}`);
  const relative = (file: string) => path.relative(srcDir, file).split(path.sep).join('/');
  return answer.result.map((w) => ({ member: relative(w.workspaceDir), declaredIn: relative(w.sourcePackageJsonPath) })).sort((a, b) => a.member.localeCompare(b.member));
}

/**
 * `npm install` in each location. `--prefer-offline` reads npm's cache first, so a machine that has
 * installed the repository once needs the registry only for what it has never seen.
 */
export async function installDependencies(uploadDir: string, locations: string[]): Promise<void> {
  for (const location of locations) {
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: path.join(uploadDir, location) });
  }
}

/** Every card, settings page and app page the hsmeta files declare, with the folder HubSpot builds it from. */
export function findUiExtensions(srcDir: string): UiExtension[] {
  const appDir = path.join(srcDir, 'app');
  const metaFiles = filesUnder(appDir).filter((file) => file.endsWith('-hsmeta.json'));
  return metaFiles
    .map((file) => JSON.parse(readFileSync(path.join(appDir, file), 'utf8')) as { uid: string; type: string; config: { entrypoint?: string } })
    .filter((meta) => UI_EXTENSION_TYPES.has(meta.type) && typeof meta.config.entrypoint === 'string')
    .map((meta) => {
      const entrypoint = meta.config.entrypoint!.replace(/^\//, '');
      return { uid: meta.uid, type: meta.type, entrypoint, folder: path.posix.dirname(entrypoint) };
    })
    .sort((a, b) => a.uid.localeCompare(b.uid));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => !file.split(path.sep).includes('node_modules'));
}

/** HubSpot's `remoteBuild` of one extension inside an upload layout; the bundle lands in outputDir. */
export async function buildUiExtension(srcDir: string, extension: Pick<UiExtension, 'folder' | 'entrypoint'>, outputDir: string): Promise<RunnerAnswer<{ outputDir: string }>> {
  return runHubSpotTool(['build', path.join(srcDir, extension.folder), path.join(srcDir, extension.entrypoint), outputDir], srcDir);
}

export interface UndeclaredImport {
  /** The folder whose package.json should declare the package, relative to srcDir. */
  packageFolder: string;
  file: string;
  packageName: string;
}

/**
 * Bare imports whose package the importing folder's own package.json does not declare. npm hoists a
 * workspace's dependencies to src/app/node_modules, so such an import builds as long as some other
 * folder happens to declare the package, and breaks the day that folder stops needing it.
 */
export function findUndeclaredImports(srcDir: string): UndeclaredImport[] {
  const appDir = path.join(srcDir, 'app');
  const packageFolders = filesUnder(appDir)
    .filter((file) => path.basename(file) === 'package.json')
    .map((file) => path.dirname(file));
  const owner = (file: string) =>
    packageFolders.filter((folder) => folder === '.' || file.startsWith(folder + path.sep)).sort((a, b) => b.length - a.length)[0];
  const problems: UndeclaredImport[] = [];
  for (const file of filesUnder(appDir).filter((f) => /\.tsx?$/.test(f))) {
    const folder = owner(file);
    if (folder === undefined) continue;
    const manifest = JSON.parse(readFileSync(path.join(appDir, folder, 'package.json'), 'utf8')) as {
      name?: string;
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    const declared = new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(appDir, file), 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
      const parts = specifier.split('/');
      const packageName = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
      if (!declared.has(packageName)) {
        problems.push({ packageFolder: path.posix.join('app', folder.split(path.sep).join('/')), file: path.posix.join('app', file.split(path.sep).join('/')), packageName });
      }
    }
  }
  return problems;
}
