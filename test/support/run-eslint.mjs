// Runs ESLint in plain Node: it loads its flat config with import(), which Jest's module sandbox
// does not provide. Reads a request as JSON on stdin and writes the findings as JSON on stdout.
//   {"mode":"repo","texts":[{"file","text"}],"configFor":["server/app.ts"]}  the repository's own config
//   {"mode":"cycle-rule","cwd":"<folder>"}                                 only the cycle rule, on every .ts under cwd
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
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
  process.stdout.write(JSON.stringify({ results: findings(results, repoRoot), configs }));
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
