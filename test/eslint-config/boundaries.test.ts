import { runEslint, rulesHit, type Answer } from '../support/eslint';

/**
 * The layer rules of docs/architecture.md, as `npm run lint` applies them: each forbidden import
 * and each piece of module-level state is shown failing, and its allowed neighbour passing.
 */
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
