/**
 * Builds the app functions HubSpot deploys.
 *
 * HubSpot only runs what sits in src/app/functions/ (plain CommonJS with `exports.main`), while the
 * functions are written in TypeScript under src/functions/<name>/index.ts and share code with the
 * domain layer. Each one is bundled into src/app/functions/<name>.js. `@hubspot/api-client` stays
 * external: HubSpot installs it from src/app/functions/package.json, and bundling it would add
 * megabytes to every function.
 *
 * Usage: npx tsx scripts/build-functions.ts
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

export interface BuildFunctionsOptions {
  /** Folder holding one sub-folder per function, each with an index.ts. */
  sourceDir: string;
  /** src/app/functions: where the hsmeta files and package.json live and the bundles go. */
  outDir: string;
}

export interface BuiltFunction {
  name: string;
  bundle: string;
}

/** Node version of HubSpot's function runtime for platform 2026.03. */
const RUNTIME_TARGET = 'node20';

function declaredDependencies(outDir: string): string[] {
  const manifest = path.join(outDir, 'package.json');
  if (!existsSync(manifest)) throw new Error(`${manifest} is missing: HubSpot needs it to install the functions' dependencies`);
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {});
}

/** Function folders are those with an index.ts; other folders (shared helpers) are bundled into them. */
export function findFunctionNames(sourceDir: string): string[] {
  return readdirSync(sourceDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(sourceDir, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

export async function buildFunctions({ sourceDir, outDir }: BuildFunctionsOptions): Promise<BuiltFunction[]> {
  const external = declaredDependencies(outDir);
  const names = findFunctionNames(sourceDir);
  if (names.length === 0) throw new Error(`no functions found: expected ${sourceDir}/<name>/index.ts`);

  const built: BuiltFunction[] = [];
  for (const name of names) {
    if (!existsSync(path.join(outDir, `${name}-hsmeta.json`))) {
      throw new Error(`function "${name}" has no ${name}-hsmeta.json in ${outDir}, so HubSpot would never deploy it`);
    }
    const bundle = path.join(outDir, `${name}.js`);
    await build({
      entryPoints: [path.join(sourceDir, name, 'index.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      target: RUNTIME_TARGET,
      format: 'cjs',
      external,
      legalComments: 'none',
      logLevel: 'warning',
      banner: { js: `// Built from src/functions/${name} by scripts/build-functions.ts. Do not edit.` },
    });
    built.push({ name, bundle });
  }
  return built;
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  buildFunctions({ sourceDir: path.join(root, 'src/functions'), outDir: path.join(root, 'src/app/functions') })
    .then((built) => {
      for (const fn of built) console.log(`built ${path.relative(root, fn.bundle)}`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    });
}
