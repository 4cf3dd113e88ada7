import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runEslint, type Answer } from '../support/eslint';

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
