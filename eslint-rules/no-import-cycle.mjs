// An ESLint rule that fails an import closing a cycle between the repository's own modules.
//
// Unlike the `no-cycle` rules of eslint-plugin-import and eslint-plugin-import-x, it counts
// type-only imports: a cycle of types still ties the modules' meaning together (a ledger type
// that lives in an HTTP module drags the HTTP layer into every reader of the ledger), so it is a
// layering fault even when nothing cycles at run time. Specifiers are resolved by TypeScript itself
// with the nearest tsconfig.json, so `paths` aliases and extensionless imports resolve exactly as
// the compiler resolves them; packages under node_modules are never followed.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// ESLint checks one file at a time; reading and resolving each module once per process keeps the
// whole repository's check under a second. A module's imports are read again when its file
// changes; tsconfig and resolutions stay for the life of the process, so an editor's ESLint server
// sees a changed tsconfig after a restart.
/** @type {Map<string, { options: ts.CompilerOptions, cache: ts.ModuleResolutionCache }>} */
const compilerSettings = new Map();
/** @type {Map<string, { mtimeMs: number, targets: string[] }>} */
const importsOnDisk = new Map();

function settingsFor(file) {
  const configFile = ts.findConfigFile(path.dirname(file), ts.sys.fileExists, 'tsconfig.json');
  const key = configFile ?? '';
  let settings = compilerSettings.get(key);
  if (!settings) {
    let options = { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.Preserve };
    if (configFile) {
      // Parsed in full, so `extends` and `paths` without a `baseUrl` mean what they mean to tsc.
      const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
      options = ts.parseJsonConfigFileContent(config ?? {}, ts.sys, path.dirname(configFile), undefined, configFile).options;
    }
    settings = { options, cache: ts.createModuleResolutionCache(path.dirname(configFile ?? file), (f) => f, options) };
    compilerSettings.set(key, settings);
  }
  return settings;
}

/** The repository files a module's source imports, in source order, with where each import is written. */
function importsOf(file, text) {
  const { options, cache } = settingsFor(file);
  const found = [];
  for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
    const resolved = ts.resolveModuleName(imported.fileName, file, options, ts.sys, cache).resolvedModule;
    if (!resolved || resolved.isExternalLibraryImport || resolved.resolvedFileName.includes('/node_modules/')) continue;
    found.push({ target: path.resolve(resolved.resolvedFileName), specifier: imported.fileName, pos: imported.pos, end: imported.end });
  }
  return found;
}

function targetsOnDisk(file) {
  let mtimeMs;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    return [];
  }
  const cached = importsOnDisk.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.targets;
  const targets = [...new Set(importsOf(file, fs.readFileSync(file, 'utf8')).map((i) => i.target))];
  importsOnDisk.set(file, { mtimeMs, targets });
  return targets;
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid an import that closes a cycle between modules, type-only imports included' },
    schema: [],
    messages: {
      cycle:
        'Import cycle: {{cycle}}. Type-only imports count too: move what both sides need into a module of its own that neither imports back.',
    },
  },
  create(context) {
    const file = path.resolve(context.physicalFilename);
    if (!/\.[cm]?tsx?$/.test(file)) return {};
    return {
      Program() {
        const own = importsOf(file, context.sourceCode.text);
        // Every module reachable from this one, with its imports, read once for the whole file.
        const edges = new Map([[file, [...new Set(own.map((i) => i.target))]]]);
        const pending = [...edges.get(file)];
        while (pending.length > 0) {
          const next = pending.pop();
          if (edges.has(next)) continue;
          const targets = targetsOnDisk(next);
          edges.set(next, targets);
          pending.push(...targets.filter((t) => !edges.has(t)));
        }
        const reported = new Set();
        for (const imported of own) {
          if (imported.target === file || reported.has(imported.target)) continue;
          const route = shortestRoute(edges, imported.target, file);
          if (!route) continue;
          reported.add(imported.target);
          const cwd = context.cwd;
          const cycle = [file, ...route].map((f) => path.relative(cwd, f)).join(' → ');
          context.report({
            loc: { start: context.sourceCode.getLocFromIndex(imported.pos), end: context.sourceCode.getLocFromIndex(imported.end) },
            messageId: 'cycle',
            data: { cycle },
          });
        }
      },
    };
  },
};

/** The shortest chain of imports from `from` back to `to`, or undefined when there is none. */
function shortestRoute(edges, from, to) {
  const cameFrom = new Map([[from, undefined]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const current = queue[i];
    for (const next of edges.get(current) ?? []) {
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, current);
      if (next === to) {
        const route = [to];
        for (let step = current; step !== undefined; step = cameFrom.get(step)) route.unshift(step);
        return route;
      }
      queue.push(next);
    }
  }
  return undefined;
}
