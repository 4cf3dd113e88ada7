// Runs ESLint in plain Node: it loads its flat config with import(), which Jest's module sandbox
// does not provide. Reads a request as JSON on stdin and writes the findings as JSON on stdout.
//   {"mode":"repo","texts":[{"file","text"}],"configFor":["server/app.ts"]}  the repository's own config
//     and, for each file the config exempts from the module-state rule, what that rule finds in it
//   {"mode":"cycle-rule","cwd":"/tmp/x"}                                      only the cycle rule, on every .ts under cwd
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { MODULE_STATE_NOT_YET_ON_CONTEXT } from '../../eslint.config.mjs';
import noImportCycle from '../../eslint-rules/no-import-cycle.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const findings = (results, cwd) =>
  results.map((r) => ({
    file: path.relative(cwd, r.filePath).split(path.sep).join('/'),
    messages: r.messages.map((m) => ({ ruleId: m.ruleId, line: m.line, message: m.message })),
  }));

if (request.mode === 'repo') {
  const eslint = new ESLint({ cwd: repoRoot });
  const results = [];
  for (const { file, text } of request.texts ?? []) results.push(...(await eslint.lintText(text, { filePath: path.join(repoRoot, file) })));
  const configs = {};
  for (const file of request.configFor ?? []) configs[file] = (await eslint.calculateConfigForFile(path.join(repoRoot, file))).rules;
  // An exempt file's own text, linted as if it lived where the rule applies.
  const exempt = {};
  for (const file of MODULE_STATE_NOT_YET_ON_CONTEXT) {
    const [result] = await eslint.lintText(readFileSync(path.join(repoRoot, file), 'utf8'), { filePath: path.join(repoRoot, 'server/exempt-check', path.basename(file)) });
    exempt[file] = result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').length;
  }
  process.stdout.write(JSON.stringify({ results: findings(results, repoRoot), configs, exempt }));
} else {
  const eslint = new ESLint({
    cwd: request.cwd,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { boundaries: { rules: { 'no-import-cycle': noImportCycle } } },
        rules: { 'boundaries/no-import-cycle': 'error' },
      },
    ],
  });
  process.stdout.write(JSON.stringify({ results: findings(await eslint.lintFiles(['**/*.ts']), request.cwd) }));
}
