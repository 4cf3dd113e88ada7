/**
 * Offline checks for the HubSpot developer project (platform 2026.03).
 *
 * HubSpot validates hsmeta files only at upload time, against schemas it serves to authenticated
 * accounts. These zod schemas encode the documented fields so a typo fails in CI instead of in
 * `hs project upload` (or worse, is silently ignored). Keys are strict on purpose: HubSpot ignores
 * or rejects unknown keys, and either way a misspelt key is a bug.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { actionModelJudge } from './action-definition-models';

export const PLATFORM_VERSION = '2026.03';

const httpsUrl = z.string().refine((value) => {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an absolute https:// URL');

/** `uid`: up to 64 letters, digits, `_`, `-` or `.` (HubSpot's documented rule). */
const uid = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'uid must be 1-64 letters, digits, "_", "-" or "."');

export const hsprojectSchema = z.strictObject({
  name: z.string().min(1),
  srcDir: z.literal('src'),
  platformVersion: z.literal(PLATFORM_VERSION),
});

export const hsprofileSchema = z.strictObject({
  accountId: z.number().int().positive(),
  variables: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.union([z.string(), z.number(), z.boolean()])),
});

/** Every hsmeta file has exactly these top-level keys. */
export const hsmetaEnvelopeSchema = z.strictObject({
  uid,
  type: z.string().min(1),
  config: z.record(z.string(), z.unknown()),
  dependencies: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
});

const scope = z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'scope names are lower case, e.g. crm.objects.contacts.read');

export const appConfigSchema = z
  .strictObject({
    name: z.string().min(1).max(200).refine((v) => v.trim() === v, 'must not start or end with whitespace'),
    description: z.string().min(1).max(8192),
    distribution: z.enum(['private', 'marketplace']),
    auth: z.strictObject({
      type: z.enum(['static', 'oauth']),
      redirectUrls: z.array(httpsUrl).optional(),
      requiredScopes: z.array(scope).min(1),
      optionalScopes: z.array(scope).optional(),
      conditionallyRequiredScopes: z.array(scope).optional(),
    }),
    permittedUrls: z
      .strictObject({
        fetch: z.array(httpsUrl).optional(),
        iframe: z.array(httpsUrl).optional(),
        img: z.array(httpsUrl).optional(),
      })
      .optional(),
    support: z
      .strictObject({
        supportEmail: z.email().optional(),
        documentationUrl: httpsUrl.optional(),
        supportUrl: httpsUrl.optional(),
        supportPhone: z.string().optional(),
      })
      .optional(),
  })
  .superRefine((app, ctx) => {
    // Static auth may only declare required scopes; the others are an OAuth feature.
    if (app.auth.type === 'static') {
      for (const key of ['optionalScopes', 'conditionallyRequiredScopes'] as const) {
        if ((app.auth[key]?.length ?? 0) > 0) {
          ctx.addIssue({ code: 'custom', path: ['auth', key], message: `static auth cannot declare ${key}` });
        }
      }
    }
  });

/** Cards name CRM objects in lower-case plural (`contacts`), unlike workflow actions. */
const cardObjectType = z.enum(['contacts', 'companies', 'deals', 'tickets'], {
  error: (issue) => `card objectTypes use lower-case plural names like "contacts", got ${JSON.stringify(issue.input)}`,
});

export const cardConfigSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  previewImage: z.strictObject({ file: z.string(), altText: z.string() }).optional(),
  location: z.enum(['crm.record.sidebar', 'crm.record.tab', 'crm.preview', 'helpdesk.sidebar']),
  entrypoint: z.string().regex(/^\/app\/cards\/[^/]+\.(tsx|jsx)$/, 'card entrypoint must be /app/cards/<File>.tsx'),
  objectTypes: z.array(cardObjectType).min(1),
});

export const settingsConfigSchema = z.strictObject({
  entrypoint: z.string().regex(/^\/app\/settings\/[^/]+\.(tsx|jsx)$/, 'settings entrypoint must be /app/settings/<File>.tsx'),
});

/**
 * App pages as the 2026.03 templates declare them: only an entrypoint, whose module calls
 * `hubspot.extend<'pages'>` with a page router. The older `location: "home"` form is legacy.
 */
export const pageConfigSchema = z.strictObject({
  entrypoint: z.string().regex(/^\/app\/pages\/[^/]+\.(tsx|jsx)$/, 'page entrypoint must be /app/pages/<File>.tsx'),
});

export const appFunctionConfigSchema = z.strictObject({
  entrypoint: z
    .string()
    .regex(/^\/app\/functions\/[^/]+\.js$/, 'function entrypoint must be a built /app/functions/<name>.js bundle'),
  secretKeys: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'secret names are UPPER_SNAKE_CASE')),
  endpoint: z.strictObject({ path: z.string().min(1), method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) }).optional(),
});

/**
 * Workflow actions: the enums come from HubSpot's action-definition models in `@hubspot/api-client`
 * (scripts/action-definition-models.ts), and a schema-valid config is then judged against those
 * models as a whole (unknown keys, dependency variants, names that refer to fields and rules).
 */
const actionModels = actionModelJudge();

/** Workflow actions name CRM objects in upper-case singular (`CONTACT`), unlike cards. */
const actionObjectType = z.enum(actionModels.enumValues('FieldTypeDefinitionReferencedObjectTypeEnum') as [string, ...string[]], {
  error: (issue) => `workflow action objectTypes use upper-case singular names like "CONTACT", got ${JSON.stringify(issue.input)}`,
});

const fieldName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'field names are snake_case');

const option = z.strictObject({
  value: z.string().min(1),
  label: z.string().min(1),
  description: z.string().optional(),
  displayOrder: z.number().int().optional(),
});

/**
 * Which `fieldType`s fit each data `type`: the pairings HubSpot's action examples use. The models list
 * both enums but not the pairing, so a pair outside this table is refused until someone confirms it.
 */
const FIELD_TYPES: Record<string, readonly string[]> = {
  string: ['text', 'textarea', 'phonenumber', 'file'],
  enumeration: ['select', 'radio', 'checkbox'],
  number: ['number'],
  bool: ['booleancheckbox'],
  date: ['date'],
  datetime: ['date'],
  phone_number: ['phonenumber'],
};

const typeDefinition = z
  .strictObject({
    name: fieldName,
    type: z.enum(actionModels.allowedValues('FieldTypeDefinition', 'type')),
    fieldType: z.enum(actionModels.allowedValues('FieldTypeDefinition', 'fieldType')),
    options: z.array(option).min(1).optional(),
    optionsUrl: httpsUrl.optional(),
    referencedObjectType: z.enum(actionModels.allowedValues('FieldTypeDefinition', 'referencedObjectType')).optional(),
    label: z.string().optional(),
    description: z.string().optional(),
    helpText: z.string().optional(),
  })
  .superRefine((def, ctx) => {
    if (!FIELD_TYPES[def.type]?.includes(def.fieldType)) {
      ctx.addIssue({ code: 'custom', path: ['fieldType'], message: `fieldType "${def.fieldType}" does not fit type "${def.type}"` });
    }
    const enumerated = def.type === 'enumeration';
    if (enumerated && !def.options && !def.optionsUrl && !def.referencedObjectType) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'an enumeration needs options or an optionsUrl' });
    }
    if (!enumerated && (def.options || def.optionsUrl)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'only enumeration fields take options' });
    }
  });

const inputField = z.strictObject({
  typeDefinition,
  supportedValueTypes: z.array(z.enum(actionModels.allowedValues('InputFieldDefinition', 'supportedValueTypes'))).min(1),
  isRequired: z.boolean(),
});

const outputField = z.strictObject({ typeDefinition });

/** The dependency variants HubSpot's models define, keyed by their `dependencyType`. */
const dependencyVariants = actionModels.variants('PublicActionDefinitionInputFieldDependenciesInner').mapping;
const inputFieldDependency = z.looseObject({
  dependencyType: z.enum(Object.keys(dependencyVariants) as [string, ...string[]]),
  controllingFieldName: fieldName,
  dependentFieldNames: z.array(fieldName).min(1),
});

const actionLabels = z.strictObject({
  actionName: z.string().min(1),
  actionDescription: z.string().optional(),
  appDisplayName: z.string().optional(),
  actionCardContent: z.string().optional(),
  inputFieldLabels: z.record(fieldName, z.string().min(1)).optional(),
  inputFieldDescriptions: z.record(fieldName, z.string().min(1)).optional(),
  inputFieldOptionLabels: z.record(fieldName, z.record(z.string(), z.string().min(1))).optional(),
  outputFieldLabels: z.record(fieldName, z.string().min(1)).optional(),
  executionRules: z.record(z.string(), z.string().min(1)).optional(),
});

export const workflowActionConfigSchema = z
  .strictObject({
    actionUrl: httpsUrl,
    isPublished: z.boolean(),
    supportedClients: z.array(z.strictObject({ client: z.literal('WORKFLOWS') })).min(1),
    objectTypes: z.array(actionObjectType).min(1),
    objectRequestOptions: z.strictObject({ properties: z.array(z.string().min(1)) }).optional(),
    inputFields: z.array(inputField),
    inputFieldDependencies: z.array(inputFieldDependency).optional(),
    outputFields: z.array(outputField).optional(),
    executionRules: z
      .array(z.strictObject({ labelName: z.string().min(1), conditions: z.record(fieldName, z.unknown()) }))
      .optional(),
    labels: z.record(z.string().regex(/^[a-z]{2}(-[a-z]{2})?$/), actionLabels).refine((l) => 'en' in l, 'labels.en is required'),
  })
  .superRefine((action, ctx) => {
    checkEveryNameIsLabelled(action, ctx);
    // Messages from the judge carry their own path from `config`.
    for (const problem of actionModels.judgeActionConfig(action, '')) {
      const separator = problem.indexOf(': ');
      ctx.addIssue({ code: 'custom', path: problem.slice(0, separator).split(/[.[\]]+/).filter(Boolean), message: problem.slice(separator + 2) });
    }
  });

type WorkflowActionConfig = z.infer<typeof workflowActionConfigSchema>;

/**
 * HubSpot shows a bare field name where a label is missing: the project's own rule is that every
 * field and every execution rule has words in every locale. (Names that point nowhere are the judge's.)
 */
function checkEveryNameIsLabelled(action: WorkflowActionConfig, ctx: z.RefinementCtx): void {
  const issue = (pathParts: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path: pathParts, message });
  for (const [locale, labels] of Object.entries(action.labels)) {
    for (const { typeDefinition: { name } } of action.inputFields) {
      if (!labels.inputFieldLabels?.[name]) issue(['labels', locale, 'inputFieldLabels', name], `input field "${name}" has no label`);
    }
    for (const { typeDefinition: { name } } of action.outputFields ?? []) {
      if (!labels.outputFieldLabels?.[name]) issue(['labels', locale, 'outputFieldLabels', name], `output field "${name}" has no label`);
    }
    for (const rule of action.executionRules ?? []) {
      if (!labels.executionRules?.[rule.labelName]) {
        issue(['labels', locale, 'executionRules', rule.labelName], `execution rule "${rule.labelName}" has no message`);
      }
    }
  }
}

export const webhooksConfigSchema = z.strictObject({
  settings: z.strictObject({ targetUrl: httpsUrl, maxConcurrentRequests: z.number().int().positive() }),
  subscriptions: z.strictObject({
    crmObjects: z
      .array(
        z.strictObject({
          subscriptionType: z.string().regex(/^object\.[a-zA-Z]+$/),
          objectType: z.string().min(1),
          propertyName: z.string().optional(),
          active: z.boolean(),
        }),
      )
      .optional(),
    legacyCrmObjects: z.array(z.strictObject({ subscriptionType: z.string(), propertyName: z.string().optional(), active: z.boolean() })).optional(),
    hubEvents: z.array(z.strictObject({ subscriptionType: z.string(), active: z.boolean() })).optional(),
  }),
});

/** The component types this project uses, keyed by hsmeta `type`, with the folder HubSpot requires. */
export const componentKinds = {
  app: { folder: 'app', schema: appConfigSchema },
  card: { folder: 'app/cards', schema: cardConfigSchema },
  settings: { folder: 'app/settings', schema: settingsConfigSchema },
  page: { folder: 'app/pages', schema: pageConfigSchema },
  'app-function': { folder: 'app/functions', schema: appFunctionConfigSchema },
  'workflow-action': { folder: 'app/workflow-actions', schema: workflowActionConfigSchema },
  webhooks: { folder: 'app/webhooks', schema: webhooksConfigSchema },
} as const satisfies Record<string, { folder: string; schema: z.ZodType }>;

export type ComponentKind = keyof typeof componentKinds;

/** translate()'s component type for each hsmeta `type` (APPLICATION, CARD, APP_FUNCTION, ...). */
export const translatedComponentType: Record<ComponentKind, string> = {
  app: 'APPLICATION',
  card: 'CARD',
  settings: 'SETTINGS',
  page: 'PAGE',
  'app-function': 'APP_FUNCTION',
  'workflow-action': 'WORKFLOW_ACTION',
  webhooks: 'WEBHOOKS',
};

export interface RawMetaFile {
  /** Path relative to the project source directory, posix separators. */
  file: string;
  content: unknown;
}

/** The parts of `translate()`'s result these checks read. */
export interface TranslatedProject {
  intermediateRepresentation: {
    intermediateNodesIndexedByUid: Record<string, { uid: string; componentType: string; metaFilePath: string; config: unknown }>;
  };
  skippedHsMetaFiles: string[];
}

export interface ProjectUnderCheck {
  /** Absolute path of the project's `src` directory. */
  srcDir: string;
  metaFiles: RawMetaFile[];
  /** translate() run with the example profile, so `${VAR}` references are already substituted. */
  translated: TranslatedProject;
}

function describeIssues(file: string, error: z.ZodError, under: string[] = []): string[] {
  return error.issues.map((i) => `${file}: ${[...under, ...i.path.map(String)].join('.') || '(root)'}: ${i.message}`);
}

/**
 * Every problem with the project, as `file: path: message` lines; empty when it is fine.
 * Entrypoints are checked on disk, so run the function build first.
 */
export function findProjectProblems(project: ProjectUnderCheck): string[] {
  const problems: string[] = [];
  for (const skipped of project.translated.skippedHsMetaFiles) {
    problems.push(`${skipped}: HubSpot skips hsmeta files outside src/app/<feature>/; move it up`);
  }

  const seenUids = new Map<string, string>();
  const translatedByFile = new Map(
    Object.values(project.translated.intermediateRepresentation.intermediateNodesIndexedByUid).map((n) => [n.metaFilePath, n]),
  );

  for (const meta of project.metaFiles) {
    const envelope = hsmetaEnvelopeSchema.safeParse(meta.content);
    if (!envelope.success) {
      problems.push(...describeIssues(meta.file, envelope.error));
      continue;
    }
    const { type, uid: metaUid } = envelope.data;
    const previous = seenUids.get(metaUid);
    if (previous) problems.push(`${meta.file}: uid: "${metaUid}" is also used by ${previous}`);
    seenUids.set(metaUid, meta.file);

    if (!(type in componentKinds)) {
      problems.push(`${meta.file}: type: unknown component type "${type}" (known: ${Object.keys(componentKinds).join(', ')})`);
      continue;
    }
    const kind = componentKinds[type as ComponentKind];
    if (path.posix.dirname(meta.file) !== kind.folder) {
      problems.push(`${meta.file}: a "${type}" component must sit in src/${kind.folder}/`);
    }
    const node = translatedByFile.get(meta.file);
    if (!node) {
      problems.push(`${meta.file}: not recognised by HubSpot's project parser`);
      continue;
    }
    if (node.componentType !== translatedComponentType[type as ComponentKind]) {
      problems.push(`${meta.file}: parsed as ${node.componentType}, expected ${translatedComponentType[type as ComponentKind]}`);
    }
    const config = kind.schema.safeParse(node.config);
    if (!config.success) {
      problems.push(...describeIssues(meta.file, config.error, ['config']));
      continue;
    }
    const entrypoint = (config.data as { entrypoint?: string }).entrypoint;
    if (entrypoint && !existsSync(path.join(project.srcDir, entrypoint))) {
      const hint = type === 'app-function' ? ' (run the function build first)' : '';
      problems.push(`${meta.file}: config.entrypoint: ${entrypoint} does not exist${hint}`);
    }
  }
  return problems;
}
