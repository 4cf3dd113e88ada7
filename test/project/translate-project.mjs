// Runs HubSpot's project parser in plain Node: it is ESM with ESM-only dependencies (chalk) that
// Jest's transform list does not cover. Usage: node translate-project.mjs <srcDir> <platformVersion> <profile> <outFile>
import { writeFileSync } from 'node:fs';
import { translate } from '@hubspot/project-parsing-lib/translate';

const [projectSourceDir, platformVersion, profile, outFile] = process.argv.slice(2);
try {
  const result = await translate({ projectSourceDir, platformVersion }, { skipValidation: true, profile });
  writeFileSync(outFile, JSON.stringify({ ok: true, result }));
} catch (error) {
  writeFileSync(outFile, JSON.stringify({ ok: false, message: error instanceof Error ? error.message : String(error) }));
}
