/**
 * HubSpot's own definition of a custom workflow action, read from the models `@hubspot/api-client`
 * ships (`lib/codegen/automation/actions/models`), and a judge of workflow-action hsmeta `config`s
 * built on it.
 *
 * Nothing here restates HubSpot's enums: keys come from each model's static `attributeTypeMap`,
 * enum values from the compiled enum objects, the dependency variants from the `.d.ts` union type and
 * the discriminator mapping. When the SDK learns a value, the judge learns it with the next install;
 * when a value we use disappears, the judge says so before an upload does.
 *
 * Rules applied on top of the models:
 * - Where the folder holds a narrower `Public<Model>` next to `<Model>` (PublicInputFieldDefinition,
 *   PublicFieldTypeDefinition, PublicOption), a value must satisfy both: HubSpot documents the
 *   public one, the create body references the wider one, and the strictest reading wins.
 * - Required keys come from the declarations (a key without `?`), the narrower model's when there
 *   are two, except `options` of a field definition: the generated types require it on every field,
 *   while HubSpot's own examples leave it out of text fields and of fields with an `optionsUrl`.
 * - The project format (hsmeta) differs from the API body (PublicActionDefinitionEgg):
 *   `isPublished` is the project's spelling of `published`; `supportedClients` exists only in the
 *   project format (`[{"client":"WORKFLOWS"}]`, the one documented client); `archivedAt` (set by
 *   HubSpot) and `functions` (attached through the functions API) are not part of it. `labels` keeps
 *   the API shape, a map from locale to PublicActionLabels. `objectTypes` is `Array<string>` in the
 *   model, with no enum: the upper-case names come from FieldTypeDefinitionReferencedObjectTypeEnum.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const load = createRequire(__filename);

/** The folder of compiled models; resolved through the package so a hoisted install is found too. */
export const ACTION_MODELS_DIR = path.dirname(load.resolve('@hubspot/api-client/lib/codegen/automation/actions/models/all'));

interface Attribute {
  name: string;
  baseName: string;
  type: string;
}

interface ModelClass {
  attributeTypeMap?: Attribute[];
  discriminator?: string;
  mapping?: Record<string, string>;
}

export interface ActionModels {
  /** Model name → its attributes (JSON key → type expression). */
  models: Map<string, Map<string, string>>;
  /** Model name → the keys its declaration marks as required (no `?`). */
  required: Map<string, Set<string>>;
  /** Enum name → its values. */
  enums: Map<string, string[]>;
  /** Union type name (only in a `.d.ts`) → its member models, and the discriminator that picks one. */
  unions: Map<string, { members: string[]; discriminator?: string; mapping?: Record<string, string> }>;
}

const isEnumObject = (value: unknown): value is Record<string, string> =>
  value !== null && typeof value === 'object' && Object.values(value).length > 0 && Object.values(value).every((v) => typeof v === 'string');

/** Every model, enum and union type in the folder. */
export function loadActionModels(dir = ACTION_MODELS_DIR): ActionModels {
  const models: ActionModels['models'] = new Map();
  const enums: ActionModels['enums'] = new Map();
  const unions: ActionModels['unions'] = new Map();
  const required: ActionModels['required'] = new Map();
  const classes = new Map<string, ModelClass>();
  const files = readdirSync(dir);
  for (const file of files.filter((f) => f.endsWith('.js') && f !== 'all.js' && f !== 'ObjectSerializer.js')) {
    const exported = load(path.join(dir, file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exported)) {
      if (typeof value === 'function') {
        const model = value as ModelClass;
        classes.set(name, model);
        if (model.attributeTypeMap) models.set(name, new Map(model.attributeTypeMap.map((a) => [a.baseName, a.type])));
      } else if (isEnumObject(value)) {
        enums.set(name, Object.values(value));
      }
    }
  }
  for (const file of files.filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    // Optionality is a TypeScript notion: only the declaration file says which keys may be left out.
    for (const [, name = '', body = ''] of text.matchAll(/export declare class (\w+) \{([\s\S]*?)\n\}/g)) {
      required.set(name, new Set([...body.matchAll(/^\s+'(\w+)':/gm)].map((m) => m[1] ?? '')));
    }
    // `export type X = A | B;` lives only in the declaration file; its JS twin `XClass` carries the discriminator.
    for (const match of text.matchAll(/export type (\w+) = ([\w\s|]+);/g)) {
      const [, name = '', body = ''] = match;
      const members = body.split('|').map((m) => m.trim()).filter(Boolean);
      const twin = classes.get(`${name}Class`);
      unions.set(name, { members, ...(twin?.discriminator && { discriminator: twin.discriminator }), ...(twin?.mapping && { mapping: twin.mapping }) });
    }
  }
  return { models, enums, unions, required };
}

const MAP_PREFIX = '{ [key: string]: ';
const MAP_SUFFIX = '; }';
const PRIMITIVES: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  any: () => true,
};

const show = (value: unknown) => JSON.stringify(value);
const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Judges values against the models; every problem is `path: message`. */
export class ActionModelJudge {
  constructor(readonly registry: ActionModels = loadActionModels()) {}

  enumValues(name: string): string[] {
    const values = this.registry.enums.get(name);
    if (!values) throw new Error(`@hubspot/api-client has no enum ${name} in ${ACTION_MODELS_DIR}`);
    return values;
  }

  /** The attributes of a model, by JSON key. */
  attributes(name: string): Map<string, string> {
    const model = this.registry.models.get(name);
    if (!model) throw new Error(`@hubspot/api-client has no model ${name} in ${ACTION_MODELS_DIR}`);
    return model;
  }

  /** The discriminator values of a union type, with the model each selects. */
  variants(union: string): { discriminator: string; mapping: Record<string, string> } {
    const found = this.registry.unions.get(union);
    if (!found?.discriminator || !found.mapping) throw new Error(`@hubspot/api-client has no discriminated union ${union}`);
    return { discriminator: found.discriminator, mapping: found.mapping };
  }

  /**
   * The values an enum attribute of a model accepts (of a list's items, for a list), narrowed by the
   * model's `Public` twin when there is one: `allowedValues('FieldTypeDefinition', 'fieldType')`.
   */
  allowedValues(model: string, key: string): [string, ...string[]] {
    const valuesOf = (m: string) => {
      const type = this.attributes(m).get(key)?.replace(/^Array<(.*)>$/, '$1');
      if (!type) throw new Error(`@hubspot/api-client's ${m} has no attribute ${key}`);
      return this.enumValues(type);
    };
    const twin = `Public${model}`;
    const values = this.registry.models.has(twin) ? valuesOf(model).filter((v) => valuesOf(twin).includes(v)) : valuesOf(model);
    const [first, ...rest] = values;
    if (first === undefined) throw new Error(`${model}.${key} accepts no value`);
    return [first, ...rest];
  }

  /** Problems of `value` read as `type`, a type expression as the attribute maps write it (`Array<Option>`). */
  check(value: unknown, type: string, at: string): string[] {
    if (type.startsWith('Array<') && type.endsWith('>')) {
      if (!Array.isArray(value)) return [`${at}: must be a list, got ${show(value)}`];
      const item = type.slice('Array<'.length, -1);
      return value.flatMap((v, i) => this.check(v, item, `${at}[${i}]`));
    }
    if (type.startsWith(MAP_PREFIX) && type.endsWith(MAP_SUFFIX)) {
      if (!isRecord(value)) return [`${at}: must be an object, got ${show(value)}`];
      const item = type.slice(MAP_PREFIX.length, -MAP_SUFFIX.length);
      return Object.entries(value).flatMap(([k, v]) => this.check(v, item, `${at}.${k}`));
    }
    const primitive = PRIMITIVES[type];
    if (primitive) return primitive(value) ? [] : [`${at}: must be a ${type}, got ${show(value)}`];
    const values = this.registry.enums.get(type);
    if (values) return values.includes(value as string) ? [] : [`${at}: ${show(value)} is not one of ${values.join(', ')} (${type})`];
    if (this.registry.unions.has(type)) return this.checkUnion(value, type, at);
    if (this.registry.models.has(type)) {
      const narrower = `Public${type}`;
      if (!this.registry.models.has(narrower)) return this.checkModel(value, type, at, this.requiredKeys(type));
      const required = this.requiredKeys(narrower);
      return [...new Set([...this.checkModel(value, type, at, required), ...this.checkModel(value, narrower, at, required)])];
    }
    return [`${at}: the SDK names a type "${type}" this judge cannot read`];
  }

  private requiredKeys(model: string): Set<string> {
    const keys = new Set(this.registry.required.get(model));
    keys.delete('options');
    return keys;
  }

  private checkModel(value: unknown, model: string, at: string, required: ReadonlySet<string>, skip: ReadonlySet<string> = new Set()): string[] {
    if (!isRecord(value)) return [`${at}: must be an object, got ${show(value)}`];
    const attributes = this.attributes(model);
    const problems: string[] = [];
    for (const key of required) {
      if (!(key in value)) problems.push(`${at}: "${key}" is required (${model})`);
    }
    for (const [key, item] of Object.entries(value)) {
      if (skip.has(key)) continue;
      const type = attributes.get(key);
      if (!type) problems.push(`${at}: unknown key "${key}" (${model} has ${[...attributes.keys()].join(', ')})`);
      else problems.push(...this.check(item, type, `${at}.${key}`));
    }
    return problems;
  }

  private checkUnion(value: unknown, union: string, at: string): string[] {
    const { members, discriminator, mapping } = this.registry.unions.get(union)!;
    if (discriminator && mapping) {
      if (!isRecord(value)) return [`${at}: must be an object, got ${show(value)}`];
      const chosen = mapping[value[discriminator] as string];
      if (!chosen) return [`${at}.${discriminator}: ${show(value[discriminator])} is not one of ${Object.keys(mapping).join(', ')}`];
      if (!members.includes(chosen)) return [`${at}: the SDK maps ${show(value[discriminator])} to ${chosen}, which its type ${union} does not list`];
      return this.check(value, chosen, at);
    }
    const attempts = members.map((m) => this.check(value, m, at));
    return attempts.some((p) => p.length === 0) ? [] : [`${at}: matches none of ${members.join(', ')}: ${attempts.flat().join('; ')}`];
  }

  /** A workflow-action hsmeta `config`: the model, the project format's additions, and its internal references. */
  judgeActionConfig(config: unknown, at = 'config'): string[] {
    if (!isRecord(config)) return [`${at}: must be an object`];
    const root = 'PublicActionDefinitionEgg';
    const problems: string[] = [];
    for (const key of API_ONLY_KEYS) {
      if (key in config) problems.push(`${at}: unknown key "${key}" (${API_ONLY_KEYS_REASON[key]})`);
    }
    const required = new Set([...this.requiredKeys(root)].filter((k) => !API_ONLY_KEYS.has(k)));
    if (this.requiredKeys(root).has('published')) required.add('isPublished');
    problems.push(...this.checkModel(config, root, at, required, new Set([...API_ONLY_KEYS, ...PROJECT_ONLY_KEYS])));
    if ('isPublished' in config) problems.push(...this.check(config.isPublished, this.attributes(root).get('published') ?? 'boolean', `${at}.isPublished`));
    const clients = config.supportedClients;
    if (!Array.isArray(clients) || clients.length === 0) problems.push(`${at}.supportedClients: must be a non-empty list like [{"client":"WORKFLOWS"}]`);
    else clients.forEach((c, i) => {
      if (!isRecord(c) || Object.keys(c).join() !== 'client' || c.client !== 'WORKFLOWS') {
        problems.push(`${at}.supportedClients[${i}]: must be {"client":"WORKFLOWS"}, got ${show(c)}`);
      }
    });
    const objectTypes = this.enumValues('FieldTypeDefinitionReferencedObjectTypeEnum');
    if (Array.isArray(config.objectTypes)) {
      config.objectTypes.forEach((t, i) => {
        if (!objectTypes.includes(t as string)) problems.push(`${at}.objectTypes[${i}]: ${show(t)} is not a HubSpot object type name like "CONTACT"`);
      });
    }
    if (problems.length > 0) return problems;
    return checkReferences(config as unknown as ActionShape, at);
  }
}

/** Keys of the API body that an hsmeta file does not carry, and why. */
const API_ONLY_KEYS_REASON: Record<string, string> = {
  published: 'the API\'s name; hsmeta files spell it isPublished',
  archivedAt: 'HubSpot sets it',
  functions: 'attached through the API, not the project',
};
const API_ONLY_KEYS: ReadonlySet<string> = new Set(Object.keys(API_ONLY_KEYS_REASON));
/** Keys only the project format has; judged by the rules above, not by a model. */
const PROJECT_ONLY_KEYS: ReadonlySet<string> = new Set(['isPublished', 'supportedClients']);

interface FieldShape {
  typeDefinition: { name: string; options?: Array<{ value: string }> };
}
interface ActionShape {
  inputFields?: FieldShape[];
  outputFields?: FieldShape[];
  inputFieldDependencies?: Array<{ dependencyType: string; controllingFieldName: string; controllingFieldValue?: string; dependentFieldNames: string[] }>;
  executionRules?: Array<{ labelName: string; conditions: Record<string, unknown> }>;
  labels?: Record<string, {
    actionCardContent?: string;
    inputFieldLabels?: Record<string, string>;
    inputFieldDescriptions?: Record<string, string>;
    inputFieldOptionLabels?: Record<string, Record<string, string>>;
    outputFieldLabels?: Record<string, string>;
    executionRules?: Record<string, string>;
  }>;
}

const placeholders = (text: string | undefined) => [...(text ?? '').matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1] ?? '');

/**
 * Names that point at other parts of the definition. HubSpot drops a dangling reference silently
 * (a label nobody sees, a rule that never fires), so each one is a bug worth failing on.
 */
function checkReferences(action: ActionShape, at: string): string[] {
  const problems: string[] = [];
  const byName = (fields: FieldShape[] | undefined) => new Map((fields ?? []).map((f) => [f.typeDefinition.name, f.typeDefinition]));
  const inputs = byName(action.inputFields);
  const outputs = byName(action.outputFields);
  const rules = new Set((action.executionRules ?? []).map((r) => r.labelName));
  const optionValues = (def: FieldShape['typeDefinition'] | undefined) => def?.options?.map((o) => o.value);

  (action.inputFieldDependencies ?? []).forEach((dep, i) => {
    const where = `${at}.inputFieldDependencies[${i}]`;
    for (const name of [dep.controllingFieldName, ...dep.dependentFieldNames]) {
      if (!inputs.has(name)) problems.push(`${where}: names unknown input field "${name}"`);
    }
    const options = optionValues(inputs.get(dep.controllingFieldName));
    if (dep.controllingFieldValue !== undefined && options && !options.includes(dep.controllingFieldValue)) {
      problems.push(`${where}.controllingFieldValue: ${show(dep.controllingFieldValue)} is not an option of "${dep.controllingFieldName}" (${options.join(', ')})`);
    }
  });

  (action.executionRules ?? []).forEach((rule, i) => {
    for (const [name, expected] of Object.entries(rule.conditions)) {
      const where = `${at}.executionRules[${i}].conditions.${name}`;
      const output = outputs.get(name);
      if (!output) {
        problems.push(`${where}: names unknown output field "${name}" (outputs: ${[...outputs.keys()].join(', ') || 'none'})`);
        continue;
      }
      const options = optionValues(output);
      for (const value of Array.isArray(expected) ? expected : [expected]) {
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') problems.push(`${where}: ${show(value)} is not a value`);
        else if (options && !options.includes(String(value))) problems.push(`${where}: ${show(value)} is not an option of output "${name}" (${options.join(', ')})`);
      }
    }
  });

  for (const [locale, labels] of Object.entries(action.labels ?? {})) {
    const where = `${at}.labels.${locale}`;
    const named = (key: keyof typeof labels, known: Map<string, unknown> | Set<string>, what: string) => {
      for (const name of Object.keys((labels[key] ?? {}) as object)) {
        if (!known.has(name)) problems.push(`${where}.${key}.${name}: names unknown ${what} "${name}"`);
      }
    };
    named('inputFieldLabels', inputs, 'input field');
    named('inputFieldDescriptions', inputs, 'input field');
    named('inputFieldOptionLabels', inputs, 'input field');
    named('outputFieldLabels', outputs, 'output field');
    named('executionRules', rules, 'execution rule');
    for (const [field, byValue] of Object.entries(labels.inputFieldOptionLabels ?? {})) {
      const options = optionValues(inputs.get(field));
      for (const value of Object.keys(byValue)) {
        if (options && !options.includes(value)) problems.push(`${where}.inputFieldOptionLabels.${field}.${value}: "${value}" is not an option of "${field}"`);
      }
    }
    for (const name of placeholders(labels.actionCardContent)) {
      if (!inputs.has(name)) problems.push(`${where}.actionCardContent: {{${name}}} names unknown input field "${name}"`);
    }
    for (const [rule, message] of Object.entries(labels.executionRules ?? {})) {
      for (const name of placeholders(message)) {
        if (!outputs.has(name)) problems.push(`${where}.executionRules.${rule}: {{${name}}} names unknown output field "${name}"`);
      }
    }
  }
  return problems;
}

let shared: ActionModelJudge | undefined;
/** One judge per process: loading the models reads about eighty files. */
export function actionModelJudge(): ActionModelJudge {
  shared ??= new ActionModelJudge();
  return shared;
}
