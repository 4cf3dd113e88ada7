import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ActionModelJudge, actionModelJudge } from '../../scripts/action-definition-models';

/**
 * Every workflow action of the project, judged by the action-definition models HubSpot ships in
 * `@hubspot/api-client`, not by rules written here: one invalid component fails a whole upload.
 */
const actionsDir = path.resolve(__dirname, '../../src/app/workflow-actions');
const files = readdirSync(actionsDir).filter((f) => f.endsWith('-hsmeta.json')).sort();
const readConfig = (file: string) => (JSON.parse(readFileSync(path.join(actionsDir, file), 'utf8')) as { config: Record<string, unknown> }).config;

const judge = actionModelJudge();

describe("the project's workflow actions, judged by HubSpot's models", () => {
  test('there are actions to judge', () => {
    expect(files).toEqual(['enrol-contact-hsmeta.json', 'qualify-referral-hsmeta.json']);
  });

  test.each(files)('%s fits the models', (file) => {
    expect(judge.judgeActionConfig(readConfig(file))).toEqual([]);
  });
});

describe('the judge reads its rules from the SDK', () => {
  test('the dependency variants are the ones the declaration union lists, picked by dependencyType', () => {
    const union = judge.registry.unions.get('PublicActionDefinitionInputFieldDependenciesInner');
    expect(union?.members.sort()).toEqual(['PublicConditionalSingleFieldDependency', 'PublicSingleFieldDependency']);
    expect(union?.discriminator).toBe('dependencyType');
  });

  test('a folder without the models is an error, not an empty rule book', () => {
    const empty = new ActionModelJudge({ models: new Map(), enums: new Map(), unions: new Map(), required: new Map() });
    expect(() => empty.judgeActionConfig(readConfig('enrol-contact-hsmeta.json'))).toThrow(/has no (model|enum)/);
  });
});

describe('what the models refuse', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach into arbitrary hsmeta shapes
  const problemsAfter = (edit: (config: any) => void, file = 'qualify-referral-hsmeta.json') => {
    const config = structuredClone(readConfig(file));
    edit(config);
    return judge.judgeActionConfig(config).join('\n');
  };

  test.each<[string, (config: any) => void, RegExp]>([ // eslint-disable-line @typescript-eslint/no-explicit-any
    ['a dependency type HubSpot does not have',
      (c) => { c.inputFieldDependencies[0].dependencyType = 'CONDITIONAL'; },
      /config\.inputFieldDependencies\[0\]\.dependencyType: "CONDITIONAL" is not one of CONDITIONAL_SINGLE_FIELD, SINGLE_FIELD/],
    ['a conditional dependency without its controlling value',
      (c) => { delete c.inputFieldDependencies[0].controllingFieldValue; },
      /config\.inputFieldDependencies\[0\]: "controllingFieldValue" is required \(PublicConditionalSingleFieldDependency\)/],
    ['a single-field dependency with a controlling value',
      (c) => { c.inputFieldDependencies[3].controllingFieldValue = 'default'; },
      /inputFieldDependencies\[3\]: unknown key "controllingFieldValue" \(PublicSingleFieldDependency has/],
    ['a dependency on a field that does not exist',
      (c) => { c.inputFieldDependencies[1].dependentFieldNames.push('deal_owner'); },
      /inputFieldDependencies\[1\]: names unknown input field "deal_owner"/],
    ['a controlling value that is not an option',
      (c) => { c.inputFieldDependencies[0].controllingFieldValue = 'lifecycle'; },
      /controllingFieldValue: "lifecycle" is not an option of "milestone_kind"/],
    ['an unknown key on the action',
      (c) => { c.inputFieldDependency = []; },
      /config: unknown key "inputFieldDependency" \(PublicActionDefinitionEgg has/],
    ['the API spelling of isPublished',
      (c) => { c.published = c.isPublished; delete c.isPublished; },
      /unknown key "published" \(the API's name; hsmeta files spell it isPublished\)[\s\S]*"isPublished" is required/],
    ['an unknown key on a field type definition',
      (c) => { c.inputFields[0].typeDefinition.optionsURL = c.inputFields[0].typeDefinition.optionsUrl; },
      /inputFields\[0\]\.typeDefinition: unknown key "optionsURL"/],
    ['a field type the models do not list',
      (c) => { c.inputFields[5].typeDefinition.fieldType = 'string'; },
      /inputFields\[5\]\.typeDefinition\.fieldType: "string" is not one of .*\(FieldTypeDefinitionFieldTypeEnum\)/],
    ['a value type only the wider model allows',
      (c) => { c.inputFields[5].supportedValueTypes = ['FIELD_DATA']; },
      /inputFields\[5\]\.supportedValueTypes\[0\]: "FIELD_DATA" is not one of STATIC_VALUE, OBJECT_PROPERTY \(PublicInputFieldDefinitionSupportedValueTypesEnum\)/],
    ['an option without a label',
      (c) => { delete c.outputFields[0].typeDefinition.options[0].label; },
      /outputFields\[0\]\.typeDefinition\.options\[0\]: "label" is required \(PublicOption\)/],
    ['a label for an input field that does not exist',
      (c) => { c.labels.en.inputFieldLabels.stage = 'Stage'; },
      /labels\.en\.inputFieldLabels\.stage: names unknown input field "stage"/],
    ['a description for an input field that does not exist',
      (c) => { c.labels.en.inputFieldDescriptions.pipline = 'x'; },
      /labels\.en\.inputFieldDescriptions\.pipline: names unknown input field "pipline"/],
    ['a label for an output field that does not exist',
      (c) => { c.labels.en.outputFieldLabels.status = 'Status'; },
      /labels\.en\.outputFieldLabels\.status: names unknown output field "status"/],
    ['a message for an execution rule that does not exist',
      (c) => { c.labels.en.executionRules.qualified = 'Done'; },
      /labels\.en\.executionRules\.qualified: names unknown execution rule "qualified"/],
    ['a label key the models do not have',
      (c) => { c.labels.en.outputLabels = {}; },
      /labels\.en: unknown key "outputLabels" \(PublicActionLabels has/],
    ['a rule on an output field that does not exist',
      (c) => { c.executionRules[0].conditions = { status: 'not_referred' }; },
      /executionRules\[0\]\.conditions\.status: names unknown output field "status"/],
    ['a rule on a value the output never takes',
      (c) => { c.executionRules[1].conditions.referral_status = 'pending'; },
      /executionRules\[1\]\.conditions\.referral_status: "pending" is not an option of output "referral_status"/],
    ['a card sentence naming an unknown input',
      (c) => { c.labels.en.actionCardContent = 'Qualify for {{programme}}'; },
      /actionCardContent: \{\{programme\}\} names unknown input field "programme"/],
    ['a client other than workflows',
      (c) => { c.supportedClients = [{ client: 'SEQUENCES' }]; },
      /supportedClients\[0\]: must be \{"client":"WORKFLOWS"\}/],
    ['an object type in the card spelling',
      (c) => { c.objectTypes = ['contacts']; },
      /objectTypes\[0\]: "contacts" is not a HubSpot object type name/],
    ['a number where the model wants a boolean',
      (c) => { c.inputFields[0].isRequired = 1; },
      /inputFields\[0\]\.isRequired: must be a boolean, got 1/],
  ])('%s', (_name, edit, expected) => {
    expect(problemsAfter(edit)).toMatch(expected);
  });
});
