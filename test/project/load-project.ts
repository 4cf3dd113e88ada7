import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PLATFORM_VERSION, type ProjectUnderCheck, type RawMetaFile, type TranslatedProject } from '../../scripts/project-schema';

const runner = path.join(__dirname, 'translate-project.mjs');

/** HubSpot's translate() on a project source folder, offline, with `${VAR}`s taken from `hsprofile.<profile>.json`. */
export async function translateProject(srcDir: string, profile = 'example'): Promise<TranslatedProject> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'translate-'));
  const outFile = path.join(outDir, 'result.json');
  try {
    await promisify(execFile)(process.execPath, [runner, srcDir, PLATFORM_VERSION, profile, outFile]);
    const answer = JSON.parse(readFileSync(outFile, 'utf8')) as { ok: true; result: TranslatedProject } | { ok: false; message: string };
    if (!answer.ok) throw new Error(`translate() failed: ${answer.message}`);
    return answer.result;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Every `*-hsmeta.json` under srcDir (any depth, so misplaced ones are seen too), parsed. */
export function readMetaFiles(srcDir: string): RawMetaFile[] {
  return readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('-hsmeta.json') && !file.split(path.sep).includes('node_modules'))
    .sort()
    .map((file) => ({ file: file.split(path.sep).join('/'), content: JSON.parse(readFileSync(path.join(srcDir, file), 'utf8')) as unknown }));
}

export async function loadProject(srcDir: string): Promise<ProjectUnderCheck> {
  return { srcDir, metaFiles: readMetaFiles(srcDir), translated: await translateProject(srcDir) };
}
