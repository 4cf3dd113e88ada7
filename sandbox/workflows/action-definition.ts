import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { actionModelJudge } from '../../scripts/action-definition-models';

/**
 * A custom workflow action as HubSpot receives it: read from the project's own
 * `src/app/workflow-actions/*-hsmeta.json`, with `${VAR}` references resolved from a variables map the
 * way an hsprofile does, so the definition the sandbox calls is the one the project uploads.
 *
 * The sandbox follows HubSpot, not the product: a definition is judged by the action-definition
 * models HubSpot ships in `@hubspot/api-client` (scripts/action-definition-models.ts), and one that
 * an upload would refuse is refused here too. The schemas below only give the engine typed access.
 */
const models = actionModelJudge();

const typeDefinitionSchema = z.looseObject({
  name: z.string().min(1),
  type: z.enum(models.allowedValues('FieldTypeDefinition', 'type')),
  fieldType: z.string().min(1),
  options: z.array(z.looseObject({ value: z.string(), label: z.string() })).optional(),
  optionsUrl: z.string().optional(),
});

const valueTypeSchema = z.enum(models.allowedValues('InputFieldDefinition', 'supportedValueTypes'));

const inputFieldSchema = z.looseObject({
  typeDefinition: typeDefinitionSchema,
  supportedValueTypes: z.array(valueTypeSchema).min(1),
  isRequired: z.boolean().default(false),
});

const configSchema = z.looseObject({
  actionUrl: z.url({ protocol: /^https?$/ }),
  isPublished: z.boolean().optional(),
  supportedClients: z.array(z.looseObject({ client: z.string() })).optional(),
  objectTypes: z.array(z.string().regex(/^[A-Z_]+$/, 'object types are upper case, e.g. "CONTACT"')).min(1),
  inputFields: z.array(inputFieldSchema).default([]),
  outputFields: z.array(z.looseObject({ typeDefinition: typeDefinitionSchema })).default([]),
  /** Which properties of the enrolled record HubSpot sends in `object.properties`. */
  objectRequestOptions: z.looseObject({ properties: z.array(z.string()) }).optional(),
  labels: z.record(z.string(), z.unknown()).optional(),
});

/** Exactly the keys HubSpot accepts at the top of an hsmeta file. */
const hsmetaSchema = z.strictObject({
  uid: z.string().min(1),
  type: z.literal('workflow-action'),
  config: configSchema,
  dependencies: z.unknown().optional(),
});

export type InputFieldDefinition = z.infer<typeof inputFieldSchema>;
export type ActionConfig = z.infer<typeof configSchema>;

export interface ActionDefinition {
  uid: string;
  /** Where the definition was read from, for error messages and the executions log. */
  source: string;
  config: ActionConfig;
}

export class ActionDefinitionError extends Error {
  override name = 'ActionDefinitionError';
}

/** Replaces every `${NAME}` in string values; an unknown variable is an error, as `hs project upload` makes it. */
export function resolveVariables(value: unknown, variables: Record<string, string>, source: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
      const resolved = variables[name];
      if (resolved === undefined) {
        throw new ActionDefinitionError(`${source} uses \${${name}} but no variable "${name}" is defined`);
      }
      return resolved;
    });
  }
  if (Array.isArray(value)) return value.map((item) => resolveVariables(item, variables, source));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveVariables(item, variables, source)]),
    );
  }
  return value;
}

/** Validates a parsed hsmeta document (after variable resolution) as a workflow action. */
export function parseActionDefinition(document: unknown, variables: Record<string, string>, source: string): ActionDefinition {
  const resolved = resolveVariables(document, variables, source);
  const parsed = hsmetaSchema.safeParse(resolved);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ActionDefinitionError(`${source} is not a valid workflow-action hsmeta file: ${problems.join('; ')}`);
  }
  const refused = models.judgeActionConfig((resolved as { config: unknown }).config);
  if (refused.length > 0) {
    throw new ActionDefinitionError(`${source} is refused by HubSpot's action-definition models: ${refused.join('; ')}`);
  }
  return { uid: parsed.data.uid, source, config: parsed.data.config };
}

export function loadActionDefinition(file: string, variables: Record<string, string>): ActionDefinition {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ActionDefinitionError(`cannot read workflow action file ${file}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ActionDefinitionError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseActionDefinition(document, variables, file);
}

/**
 * The file in `dir` whose uid is `uid`. Only files directly in the folder count: HubSpot silently skips
 * hsmeta files in nested folders, so the sandbox must not find them either.
 */
export function findActionFile(dir: string, uid: string): string {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('-hsmeta.json'));
  } catch {
    throw new ActionDefinitionError(`no workflow actions folder at ${dir}`);
  }
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const document = JSON.parse(readFileSync(file, 'utf8')) as { uid?: unknown; type?: unknown };
      if (document.uid === uid && document.type === 'workflow-action') return file;
    } catch {
      // A broken neighbour is reported when it is the one asked for, not here.
    }
  }
  throw new ActionDefinitionError(`no workflow action with uid "${uid}" in ${dir} (files: ${names.join(', ') || 'none'})`);
}
