// HubSpot's own tooling, run in plain Node: the CLI and the UI-extension dev server are ESM with
// ESM-only dependencies that Jest's transform list does not cover.
//
//   node ui-build-runner.mjs install-locations <outFile>        (cwd: a project folder with hsproject.json)
//   node ui-build-runner.mjs upload-workspaces <srcDir> <outFile>
//   node ui-build-runner.mjs build <root> <entryPoint> <outputDir> <outFile>
//
// Each command writes {ok: true, result} or {ok: false, message} to outFile, so a failure reaches
// the caller as HubSpot's own message rather than as a crashed process.
import { writeFileSync } from 'node:fs';

const [command, ...args] = process.argv.slice(2);

/**
 * Where `hs project install-deps` runs `npm install`: every folder with a package.json, except that
 * a member of an npm workspace is installed once, at its workspace root. The CLI's own functions
 * decide, so the check follows the CLI rather than our reading of it.
 */
async function installLocations() {
  const { getProjectPackageJsonLocations } = await import('@hubspot/cli/lib/dependencyManagement.js');
  const { getNpmWorkspaceDirectoryForPackageAtLocationCached } = await import('@hubspot/cli/lib/npm/workspaces.js');
  const locations = new Set();
  for (const dir of await getProjectPackageJsonLocations()) {
    locations.add((await getNpmWorkspaceDirectoryForPackageAtLocationCached(dir)) ?? dir);
  }
  return [...locations].sort();
}

/**
 * The workspace members `hs project upload` finds in srcDir, as it finds them before packing: each
 * with the package.json that declares it. Members outside srcDir would be copied into the upload
 * separately; `validateWorkspaceProtocolDependencies` is the CLI's own check of `workspace:` specs.
 */
async function uploadWorkspaces(srcDir) {
  const { findAndParsePackageJsonFiles, collectWorkspaceDirectories, validateWorkspaceProtocolDependencies } = await import(
    '@hubspot/project-parsing-lib/workspaces'
  );
  const parsed = await findAndParsePackageJsonFiles(srcDir);
  const mappings = await collectWorkspaceDirectories(parsed);
  validateWorkspaceProtocolDependencies(parsed, mappings);
  return mappings.map(({ workspaceDir, sourcePackageJsonPath }) => ({ workspaceDir, sourcePackageJsonPath }));
}

/** The build HubSpot runs on an uploaded UI extension. */
async function build(root, entryPoint, outputDir) {
  const { remoteBuild } = await import('@hubspot/ui-extensions-dev-server/build');
  await remoteBuild({ root, entryPoint, outputDir, logLevel: 'silent' });
  return { outputDir };
}

const outFile = args.at(-1);
try {
  const result =
    command === 'install-locations' ? await installLocations()
    : command === 'upload-workspaces' ? await uploadWorkspaces(args[0])
    : await build(args[0], args[1], args[2]);
  writeFileSync(outFile, JSON.stringify({ ok: true, result }));
} catch (error) {
  writeFileSync(outFile, JSON.stringify({ ok: false, message: error instanceof Error ? error.message : String(error) }));
}
