import fs from 'node:fs';
import path from 'node:path';

const FILE = path.resolve(__dirname, '../../BENCHMARKS.md');

/**
 * Replaces the `## <title>` section of BENCHMARKS.md (up to the next `## ` heading), or appends it;
 * other benchmarks' sections stay as they are.
 */
export function writeSection(title: string, body: string, file = FILE): void {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = `## ${title}\n\n${body.trim()}\n`;
  const lines = current.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${title}`);
  if (start < 0) {
    fs.writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  const before = lines.slice(0, start).join('\n').trimEnd();
  const after = next < 0 ? '' : `\n${lines.slice(next).join('\n')}`;
  fs.writeFileSync(file, `${before}\n\n${section}${after}`);
}
