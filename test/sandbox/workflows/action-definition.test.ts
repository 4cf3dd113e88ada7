import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  findActionFile,
  loadActionDefinition,
  parseActionDefinition,
} from '../../../sandbox/workflows/action-definition';
import { DEFAULT_ACTIONS_DIR } from '../../../sandbox/workflows/engine';
import { NOTIFY_ACTION_FILE } from './support/fixtures';

const fixture = () => JSON.parse(readFileSync(NOTIFY_ACTION_FILE, 'utf8')) as Record<string, unknown>;
const variables = { SERVICE_URL: 'https://referrals.example.com' };

describe('workflow action definitions from hsmeta files', () => {
  test('the project’s own workflow actions load, with ${SERVICE_URL} resolved', () => {
    for (const uid of ['qualify_referral_action', 'enrol_contact_action']) {
      const action = loadActionDefinition(findActionFile(DEFAULT_ACTIONS_DIR, uid), variables);
      expect(action.uid).toBe(uid);
      expect(action.config.actionUrl).toMatch(/^https:\/\/referrals\.example\.com\/hubspot\/actions\//);
      expect(JSON.stringify(action.config)).not.toContain('${');
    }
  });

  test('a variable with no value is an error naming it and the file', () => {
    expect(() => loadActionDefinition(NOTIFY_ACTION_FILE, {})).toThrow(/notify-referrer-hsmeta\.json uses \$\{SERVICE_URL\}/);
  });

  test('top-level keys other than uid, type, config and dependencies are refused', () => {
    expect(() => parseActionDefinition({ ...fixture(), extra: true }, variables, 'x-hsmeta.json')).toThrow(/Unrecognized key.*extra/);
  });

  test('lower-case objectTypes (the card spelling) are refused with the reason', () => {
    const document = fixture();
    (document.config as Record<string, unknown>).objectTypes = ['contacts'];
    expect(() => parseActionDefinition(document, variables, 'x-hsmeta.json')).toThrow(/config\.objectTypes\.0: object types are upper case/);
  });

  test("a dependency type HubSpot's models do not have is refused, naming the ones they do", () => {
    const document = fixture();
    (document.config as Record<string, unknown>).inputFieldDependencies = [
      { dependencyType: 'CONDITIONAL', controllingFieldName: 'channel', controllingFieldValue: 'sms', dependentFieldNames: ['company_name'] },
    ];
    expect(() => parseActionDefinition(document, variables, 'x-hsmeta.json')).toThrow(
      /x-hsmeta\.json is refused by HubSpot's action-definition models: config\.inputFieldDependencies\[0\]\.dependencyType: "CONDITIONAL" is not one of CONDITIONAL_SINGLE_FIELD, SINGLE_FIELD/,
    );
    (document.config as { inputFieldDependencies: Array<Record<string, unknown>> }).inputFieldDependencies[0]!.dependencyType = 'CONDITIONAL_SINGLE_FIELD';
    expect(parseActionDefinition(document, variables, 'x-hsmeta.json').uid).toBe('notify_referrer_action');
  });

  test('hsmeta files in nested folders are not found, as HubSpot skips them', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'workflow-actions-'));
    try {
      mkdirSync(path.join(dir, 'nested'));
      writeFileSync(path.join(dir, 'nested', 'notify-hsmeta.json'), readFileSync(NOTIFY_ACTION_FILE));
      expect(() => findActionFile(dir, 'notify_referrer_action')).toThrow(/no workflow action with uid "notify_referrer_action"/);
      writeFileSync(path.join(dir, 'notify-hsmeta.json'), readFileSync(NOTIFY_ACTION_FILE));
      expect(findActionFile(dir, 'notify_referrer_action')).toBe(path.join(dir, 'notify-hsmeta.json'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
