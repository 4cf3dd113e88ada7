import { execFile } from 'node:child_process';
import path from 'node:path';

export interface Finding {
  file: string;
  messages: Array<{ ruleId: string | null; line: number; message: string }>;
}
export interface Answer {
  results: Finding[];
  configs?: Record<string, Record<string, unknown>>;
  /** Module-level state the rule finds in each file the config exempts from it. */
  exempt?: Record<string, number>;
}

const runner = path.join(__dirname, 'run-eslint.mjs');

/** Runs ESLint outside Jest (see run-eslint.mjs): the repository's config on texts, or the cycle rule alone on a folder. */
export function runEslint(request: object): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [runner], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`ESLint runner failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as Answer);
    });
    child.stdin!.end(JSON.stringify(request));
  });
}

/** The rules that reported on `file`, in order. */
export function rulesHit(answer: Answer, file: string): string[] {
  const found = answer.results.find((r) => r.file === file);
  if (!found) throw new Error(`${file} was not linted`);
  return found.messages.map((m) => m.ruleId ?? 'parse error');
}
