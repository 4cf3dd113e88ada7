import { z } from 'zod';
import type { ActionDefinition } from './action-definition';

/**
 * What a sandbox user registers: an enrolment trigger, the custom action it runs, and how each input field
 * of that action gets its value. Validated against the action definition the way HubSpot's workflow editor
 * would refuse to save a mis-configured action.
 */

const inputValueSchema = z.union([
  z.string().transform((value) => ({ value })),
  z.strictObject({ value: z.string() }),
  z.strictObject({ propertyName: z.string().min(1) }),
]);

export const workflowInputSchema = z.strictObject({
  name: z.string().min(1).default('Sandbox workflow'),
  trigger: z.strictObject({
    objectType: z.enum(['contacts', 'deals', 'companies']),
    /** Enrols a record when this property changes to `value` (e.g. lifecyclestage → customer). */
    property: z.string().min(1),
    value: z.string(),
  }),
  action: z
    .strictObject({
      /** uid of an hsmeta file in the engine's workflow-actions folder. */
      uid: z.string().min(1).optional(),
      /** Or a path to any workflow-action hsmeta file. */
      file: z.string().min(1).optional(),
      /** Extra `${VAR}` values for this workflow, over the engine's own. */
      variables: z.record(z.string(), z.string()).default({}),
    })
    .refine((action) => Boolean(action.uid) !== Boolean(action.file), 'give exactly one of action.uid or action.file'),
  inputFields: z.record(z.string(), inputValueSchema).default({}),
  /**
   * Which records the action runs on. `enrolled` (default when the action supports the trigger's object
   * type) or `associated-contacts`: a deal workflow whose action is contact-based runs once per contact.
   */
  actOn: z.enum(['enrolled', 'associated-contacts']).optional(),
  /** HubSpot's re-enrolment setting; off by default as in HubSpot. */
  reenroll: z.boolean().default(false),
});

export type WorkflowInput = z.input<typeof workflowInputSchema>;
export type ParsedWorkflowInput = z.output<typeof workflowInputSchema>;
export type InputValue = { value: string } | { propertyName: string };

export interface Workflow {
  id: number;
  name: string;
  trigger: ParsedWorkflowInput['trigger'];
  actOn: 'enrolled' | 'associated-contacts';
  reenroll: boolean;
  inputFields: Record<string, InputValue>;
  action: ActionDefinition & { actionDefinitionId: number; actionDefinitionVersion: number };
}

export class WorkflowDefinitionError extends Error {
  override name = 'WorkflowDefinitionError';
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
  }
}

const ACTION_OBJECT_TYPE: Record<string, string> = { contacts: 'CONTACT', deals: 'DEAL', companies: 'COMPANY' };

/** HubSpot's upper-case object type for a CRM API object type (`contacts` → `CONTACT`). */
export function actionObjectType(crmObjectType: string): string {
  return ACTION_OBJECT_TYPE[crmObjectType] ?? crmObjectType.toUpperCase();
}

export function parseWorkflowInput(input: unknown): ParsedWorkflowInput {
  const parsed = workflowInputSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new WorkflowDefinitionError(`invalid workflow: ${problems.join('; ')}`, problems);
  }
  return parsed.data;
}

/** Decides whom the action acts on, refusing combinations HubSpot could not run. */
export function resolveActOn(input: ParsedWorkflowInput, action: ActionDefinition): Workflow['actOn'] {
  const supported = action.config.objectTypes;
  const enrolledType = actionObjectType(input.trigger.objectType);
  const actOn = input.actOn ?? (supported.includes(enrolledType) ? 'enrolled' : 'associated-contacts');
  if (actOn === 'enrolled' && !supported.includes(enrolledType)) {
    throw new WorkflowDefinitionError(
      `action "${action.uid}" supports ${supported.join(', ')}, not ${enrolledType} records enrolled by this trigger`,
    );
  }
  if (actOn === 'associated-contacts') {
    if (!supported.includes('CONTACT')) {
      throw new WorkflowDefinitionError(
        `action "${action.uid}" supports ${supported.join(', ')}: it cannot act on associated contacts`,
      );
    }
    if (input.trigger.objectType === 'contacts') {
      throw new WorkflowDefinitionError('actOn "associated-contacts" needs a deal or company trigger');
    }
  }
  return actOn;
}

/**
 * Checks the configured input fields against the definition: every field known, every value type allowed by
 * `supportedValueTypes`, every required field given, static enumeration values among the options.
 */
export function validateInputFields(inputFields: Record<string, InputValue>, action: ActionDefinition): void {
  const problems: string[] = [];
  const definitions = new Map(action.config.inputFields.map((field) => [field.typeDefinition.name, field]));
  for (const [name, value] of Object.entries(inputFields)) {
    const field = definitions.get(name);
    if (!field) {
      problems.push(`inputFields.${name}: action "${action.uid}" has no input field "${name}" (it has: ${[...definitions.keys()].join(', ') || 'none'})`);
      continue;
    }
    const valueType = 'propertyName' in value ? 'OBJECT_PROPERTY' : 'STATIC_VALUE';
    if (!field.supportedValueTypes.includes(valueType)) {
      problems.push(`inputFields.${name}: ${valueType} is not supported (supportedValueTypes: ${field.supportedValueTypes.join(', ')})`);
      continue;
    }
    const options = field.typeDefinition.options;
    if ('value' in value && field.typeDefinition.type === 'enumeration' && options && !options.some((o) => o.value === value.value)) {
      problems.push(`inputFields.${name}: "${value.value}" is not one of ${options.map((o) => o.value).join(', ')}`);
    }
  }
  for (const field of action.config.inputFields) {
    if (field.isRequired && !(field.typeDefinition.name in inputFields)) {
      problems.push(`inputFields.${field.typeDefinition.name}: required by action "${action.uid}" but not given`);
    }
  }
  if (problems.length > 0) throw new WorkflowDefinitionError(`invalid input fields: ${problems.join('; ')}`, problems);
}

/** The `inputFields` HubSpot sends for one enrolled record: static values as given, references read from the record. */
export function resolveInputFields(
  inputFields: Record<string, InputValue>,
  properties: Record<string, string | null | undefined>,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputFields)) {
    const resolvedValue = 'value' in value ? value.value : properties[value.propertyName];
    // An empty property leaves the field out, as HubSpot does for a reference with no value.
    if (resolvedValue !== null && resolvedValue !== undefined) resolved[name] = resolvedValue;
  }
  return resolved;
}
