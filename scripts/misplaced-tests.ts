/**
 * Lists test files that do not sit where the tree says they should: a test of `server/hubspot/gateway.ts`
 * belongs in `test/server/hubspot/`. Code under `src/` is mirrored without the `src/`, and each shared
 * package by its own name (`src/app/packages/domain/guards.ts` → `test/domain/`), as it is imported
 * (`@referral-ops/domain`). The module a test is about is the imported one whose name matches the
 * test's, else the one source module of that name anywhere in the tree; a test that matches neither is
 * listed with its imports for a person to judge.
 *
 *   ✗ misplaced (the test imports the module it is named after, from elsewhere)
 *   ~ perhaps misplaced (a module of the test's name lives elsewhere; the test does not import it)
 *   ? no module of the test's name: judge by what it imports
 *
 *   npx tsx scripts/misplaced-tests.ts
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const SOURCE_ROOTS = ['server/', 'src/', 'sandbox/'];

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return /\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Repository paths of the source modules a test imports. */
function sourceImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)]
    .map((m) => path.relative(root, path.resolve(path.dirname(file), m[1]!)).split(path.sep).join('/'))
    .filter((p) => SOURCE_ROOTS.some((r) => p.startsWith(r)));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(rel);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [rel.replace(/\.tsx?$/, '')] : [];
  });
}

const allSources = SOURCE_ROOTS.flatMap((r) => sourceFiles(r.slice(0, -1)));

/** `test/server/hubspot` for `server/hubspot/gateway`, `test/domain` for `src/app/packages/domain/guards`. */
const expectedDir = (module: string) =>
  `test/${path.posix.dirname(module).replace(/^src\/app\/packages\//, '').replace(/^src(\/|$)/, '')}`.replace(/\/$/, '');

const subject = (file: string) => path.basename(file).replace(/\.test\.tsx?$/, '').split('.')[0]!;

for (const file of testFiles(path.join(root, 'test')).sort()) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  const imports = sourceImports(file);
  const named = (m: string) => path.posix.basename(m).replace(/\.tsx?$/, '') === subject(file);
  const elsewhere = allSources.filter(named);
  const imported = imports.find(named);
  const main = imported ?? (elsewhere.length === 1 ? elsewhere[0] : undefined);
  if (!main) {
    if (imports.length > 0) console.log(`?  ${rel}\n     imports ${imports.join(', ')}`);
    continue;
  }
  const want = expectedDir(main);
  if (path.posix.dirname(rel) === want) continue;
  // Matched by import: misplaced. Matched by name only: likely, for a person to confirm.
  console.log(imported ? `✗  ${rel}\n     tests ${main}: belongs in ${want}/` : `~  ${rel}\n     same name as ${main}: perhaps ${want}/`);
}
