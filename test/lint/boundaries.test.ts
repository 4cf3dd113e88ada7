import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The layer rules of docs/architecture.md, as `npm run lint` applies them: each forbidden import
 * and each piece of module-level state is shown failing, and its allowed neighbour passing.
 */

interface Finding {
  file: string;
  messages: Array<{ ruleId: string | null; line: number; message: string }>;
}
interface Answer {
  results: Finding[];
  configs?: Record<string, Record<string, unknown>>;
}

const runner = path.join(__dirname, 'run-eslint.mjs');

function runEslint(request: object): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [runner], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`ESLint runner failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as Answer);
    });
    child.stdin!.end(JSON.stringify(request));
  });
}

function rulesHit(answer: Answer, file: string): string[] {
  const found = answer.results.find((r) => r.file === file);
  if (!found) throw new Error(`${file} was not linted`);
  return found.messages.map((m) => m.ruleId ?? 'parse error');
}

describe("the repository's lint config", () => {
  const texts = [
    // src/ is uploaded to HubSpot alone.
    { file: 'src/functions/lib/reaches-server.ts', text: "import { AppError } from '../../../server/errors';\nexport const e = AppError;\n" },
    { file: 'src/app/packages/domain/reaches-sandbox.ts', text: "import type { Portal } from '../../../../sandbox/portal';\nexport type P = Portal;\n" },
    { file: 'src/app/packages/domain/reads-disk.ts', text: "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n" },
    { file: 'src/app/packages/contracts/uses-http.ts', text: "import type { Request } from 'express';\nexport type R = Request;\n" },
    {
      file: 'src/app/packages/domain/stays-pure.ts',
      text: "import { z } from 'zod';\nimport type { RewardState } from '@referral-ops/domain/reward-state';\nimport { formatMoney } from './money';\nexport const s = [z, formatMoney] as const;\nexport type R = RewardState;\n",
    },
    { file: 'src/functions/lib/uses-package.ts', text: "import { formatMoney } from '../../app/packages/domain/money';\nexport const f = formatMoney;\n" },
    // The sandbox is HubSpot, not the service; sandbox/server.ts is its own module.
    { file: 'sandbox/crm/reaches-server.ts', text: "import type { Actor } from '../../server/ledger/actor';\nexport type A = Actor;\n" },
    { file: 'sandbox/uses-own-server.ts', text: "import { startSandbox } from './server';\nexport const s = startSandbox;\n" },
    // Only the runner loads migrations; tests may.
    { file: 'server/reports/reads-migration.ts', text: "import { decisionRollup } from '../db/migrations/006-decision-rollup';\nexport const d = decisionRollup;\n" },
    { file: 'bench/reads-migration.ts', text: "import { migrations } from '../server/db/migrations';\nexport const m = migrations;\n" },
    { file: 'server/db/database.ts', text: "import { migrations } from './migrations';\nexport const m = migrations;\n" },
    { file: 'test/server/db/reads-migration.ts', text: "import { migrations } from '../../../server/db/migrations';\nexport const m = migrations;\n" },
    // Module-level state in the service.
    { file: 'server/module-let.ts', text: 'export let count = 0;\nexport function bump() { count += 1; }\n' },
    { file: 'server/module-map.ts', text: 'const byId = new Map<string, number>();\nexport const seen = new WeakSet<object>();\nexport const size = () => byId.size;\n' },
    {
      file: 'server/state-in-function.ts',
      text: 'export function tally(ids: string[]) {\n  const byId = new Map<string, number>();\n  let total = 0;\n  for (const id of ids) { byId.set(id, (byId.get(id) ?? 0) + 1); total += 1; }\n  return { byId, total };\n}\n',
    },
    {
      file: 'server/allowed-constant.ts',
      text: "// eslint-disable-next-line no-restricted-syntax -- a constant: never changed after load\nconst KINDS = new Set(['a', 'b']);\nexport const isKind = (k: string) => KINDS.has(k);\n",
    },
    { file: 'sandbox/module-map.ts', text: 'const records = new Map<string, number>();\nexport const count = () => records.size;\n' },
  ];
  let answer: Answer;

  beforeAll(async () => {
    answer = await runEslint({ mode: 'repo', texts, configFor: ['server/app.ts', 'src/app/cards/ReferralCard.tsx', 'sandbox/portal.ts', 'test/server/service.test.ts'] });
  }, 60_000);

  it('refuses an import from src/ into server/ or sandbox/, and allows the shared packages', () => {
    expect(rulesHit(answer, 'src/functions/lib/reaches-server.ts')).toEqual(['no-restricted-imports']);
    expect(rulesHit(answer, 'src/app/packages/domain/reaches-sandbox.ts')).toEqual(['no-restricted-imports']);
    expect(rulesHit(answer, 'src/functions/lib/uses-package.ts')).toEqual([]);
    const message = answer.results.find((r) => r.file === 'src/functions/lib/reaches-server.ts')!.messages[0]!.message;
    expect(message).toContain('src/app/packages/');
  });

  it('keeps the domain and contracts packages free of I/O: each other and zod only', () => {
    expect(rulesHit(answer, 'src/app/packages/domain/reads-disk.ts')).toEqual(['no-restricted-imports']);
    expect(rulesHit(answer, 'src/app/packages/contracts/uses-http.ts')).toEqual(['no-restricted-imports']);
    expect(rulesHit(answer, 'src/app/packages/domain/stays-pure.ts')).toEqual([]);
    // The package rule replaces the src/ one for these files, so it must keep refusing server/ too.
    expect(rulesHit(answer, 'src/app/packages/domain/reaches-sandbox.ts')).toEqual(['no-restricted-imports']);
  });

  it('refuses an import from sandbox/ into server/, and allows the sandbox its own server module', () => {
    expect(rulesHit(answer, 'sandbox/crm/reaches-server.ts')).toEqual(['no-restricted-imports']);
    expect(rulesHit(answer, 'sandbox/uses-own-server.ts')).toEqual([]);
  });

  it('lets only the migration runner (and tests) import migrations', () => {
    expect(rulesHit(answer, 'server/reports/reads-migration.ts')).toEqual(['no-restricted-imports']);
    expect(rulesHit(answer, 'bench/reads-migration.ts')).toEqual(['no-restricted-imports']);
    expect(rulesHit(answer, 'server/db/database.ts')).toEqual([]);
    expect(rulesHit(answer, 'test/server/db/reads-migration.ts')).toEqual([]);
  });

  it('refuses module-level let, Map and WeakSet in server/, but not inside a function or where a comment says why', () => {
    expect(rulesHit(answer, 'server/module-let.ts')).toEqual(['no-restricted-syntax']);
    expect(rulesHit(answer, 'server/module-map.ts')).toEqual(['no-restricted-syntax', 'no-restricted-syntax']);
    expect(rulesHit(answer, 'server/state-in-function.ts')).toEqual([]);
    expect(rulesHit(answer, 'server/allowed-constant.ts')).toEqual([]);
    expect(rulesHit(answer, 'sandbox/module-map.ts')).toEqual([]);
  });

  it('checks import cycles in every part of the repository', () => {
    for (const file of ['server/app.ts', 'src/app/cards/ReferralCard.tsx', 'sandbox/portal.ts', 'test/server/service.test.ts']) {
      expect([file, answer.configs![file]!['boundaries/no-import-cycle']]).toEqual([file, [2]]);
    }
  });
});

describe('the import cycle rule', () => {
  let dir: string;
  let answer: Answer;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'import-cycle-'));
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'preserve', moduleResolution: 'bundler', paths: { '@pkg/*': ['./pkg/*'] } } }));
    // Types only, both ways: nothing cycles at run time, and it is still a cycle.
    write('types/actor.ts', "import type { Request } from './request';\nexport interface Actor { via: Request }\n");
    write('types/request.ts', "import type { Actor } from './actor';\nexport interface Request { actor: Actor }\n");
    // A longer cycle at run time, closed by a re-export.
    write('run/a.ts', "import { b } from './b';\nexport const a = () => b();\n");
    write('run/b.ts', "import { c } from './c';\nexport const b = () => c();\n");
    write('run/c.ts', "export { a as c } from './a';\n");
    // Through a `paths` alias and a dynamic import.
    write('alias/f.ts', "import { g } from '@pkg/g';\nexport const f = g;\n");
    write('pkg/g.ts', "export const g = () => import('../alias/f');\n");
    // No cycle: a chain, a self-reference, and a package whose files import back are not followed.
    write('chain/h.ts', "import { i } from './i';\nimport type { H } from './h';\nexport const h: H = i;\n");
    write('chain/i.ts', "import { j } from './j';\nexport const i = j;\n");
    write('chain/j.ts', 'export const j = 1;\nexport type H = number;\n');
    write('node_modules/looping/package.json', JSON.stringify({ name: 'looping', types: 'index.ts' }));
    write('node_modules/looping/index.ts', "export { k } from '../../uses-package';\n");
    write('uses-package.ts', "import { k as again } from 'looping';\nexport const k = 1;\nexport const twice = again;\n");
    answer = await runEslint({ mode: 'cycle-rule', cwd: dir });
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const messages = (file: string) => answer.results.find((r) => r.file === file)?.messages.map((m) => m.message) ?? [];

  it('fails a cycle of type-only imports on both sides, naming the chain', () => {
    expect(messages('types/actor.ts')).toEqual([expect.stringContaining('Import cycle: types/actor.ts → types/request.ts → types/actor.ts.')]);
    expect(messages('types/request.ts')).toEqual([expect.stringContaining('Import cycle: types/request.ts → types/actor.ts → types/request.ts.')]);
  });

  it('fails every module of a longer cycle, re-exports included', () => {
    expect(messages('run/a.ts')).toEqual([expect.stringContaining('run/a.ts → run/b.ts → run/c.ts → run/a.ts')]);
    expect(messages('run/b.ts')).toEqual([expect.stringContaining('run/b.ts → run/c.ts → run/a.ts → run/b.ts')]);
    expect(messages('run/c.ts')).toEqual([expect.stringContaining('run/c.ts → run/a.ts → run/b.ts → run/c.ts')]);
  });

  it('resolves paths aliases and dynamic imports as TypeScript does', () => {
    expect(messages('alias/f.ts')).toEqual([expect.stringContaining('alias/f.ts → pkg/g.ts → alias/f.ts')]);
    expect(messages('pkg/g.ts')).toHaveLength(1);
  });

  it('passes a chain, a module naming itself, and a package under node_modules', () => {
    expect(messages('chain/h.ts')).toEqual([]);
    expect(messages('chain/i.ts')).toEqual([]);
    expect(messages('uses-package.ts')).toEqual([]);
  });

  it('reports where the closing import is written', () => {
    const [finding] = answer.results.find((r) => r.file === 'run/c.ts')!.messages;
    expect(finding).toMatchObject({ ruleId: 'boundaries/no-import-cycle', line: 1 });
  });
});
