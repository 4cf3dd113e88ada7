import { z } from 'zod';
import { findObjectType } from '../crm/object-types';
import { postSigned } from './delivery';
import type { Workflow } from './workflow-definition';

/**
 * What HubSpot's workflow editor does with an input field that has an `optionsUrl`: it POSTs, signed
 * like an action call,
 * `{origin, objectTypeId, inputFieldName, inputFields, fetchOptions: {q?, after?}}` — the other
 * fields' values so far in HubSpot's typed form (`{type: "STATIC_VALUE", value}` or
 * `{type: "OBJECT_PROPERTY", propertyName}`) — and shows the `options` of the answer, following
 * `after` while the user scrolls. A user can only pick a value the list offered, so a static value
 * the service does not offer is refused here, and so is an answer that is not the documented shape.
 */
const optionsAnswerSchema = z.object({
  options: z.array(z.object({ label: z.string(), value: z.string(), description: z.string().optional() })),
  after: z.string().nullish(),
  searchable: z.boolean().optional(),
});

export type OptionsAnswer = z.output<typeof optionsAnswerSchema>;

export interface OptionsRequest {
  origin: { portalId: number; actionDefinitionId: number; actionDefinitionVersion: number };
  objectTypeId: string;
  inputFieldName: string;
  inputFields: Record<string, { type: 'STATIC_VALUE'; value: string } | { type: 'OBJECT_PROPERTY'; propertyName: string }>;
  fetchOptions: { q?: string; after?: string };
}

export interface OptionsFetch {
  url: string;
  request: OptionsRequest;
  status?: number;
  error?: string;
  answer?: OptionsAnswer;
}

export interface OptionsContext {
  clientSecret: string;
  portalId: number;
  now: number;
  timeoutMs: number;
}

/** Pages followed for one field before giving up on finding a value (the editor's list is finite). */
export const MAX_OPTION_PAGES = 20;

/**
 * Fetches the options of every `optionsUrl` field of a workflow's action and checks its static
 * values against them. Returns the problems (empty when all is well) and every fetch made.
 */
export async function checkOptionsUrlFields(workflow: Workflow, ctx: OptionsContext): Promise<{ problems: string[]; fetches: OptionsFetch[] }> {
  const problems: string[] = [];
  const fetches: OptionsFetch[] = [];
  const { action } = workflow;
  const objectType = workflow.actOn === 'enrolled' ? workflow.trigger.objectType : 'contacts';
  const inputFields: OptionsRequest['inputFields'] = {};
  for (const [name, value] of Object.entries(workflow.inputFields)) {
    inputFields[name] = 'value' in value ? { type: 'STATIC_VALUE', value: value.value } : { type: 'OBJECT_PROPERTY', propertyName: value.propertyName };
  }
  for (const field of action.config.inputFields) {
    const { name, optionsUrl } = field.typeDefinition;
    if (!optionsUrl) continue;
    const given = workflow.inputFields[name];
    const wanted = given && 'value' in given ? given.value : undefined;
    let after: string | undefined;
    const seen: string[] = [];
    for (let page = 0; page < MAX_OPTION_PAGES; page++) {
      const request: OptionsRequest = {
        origin: { portalId: ctx.portalId, actionDefinitionId: action.actionDefinitionId, actionDefinitionVersion: action.actionDefinitionVersion },
        objectTypeId: findObjectType(objectType)?.typeId ?? objectType,
        inputFieldName: name,
        inputFields,
        fetchOptions: after ? { after } : {},
      };
      const fetched = await fetchOptions(optionsUrl, request, ctx);
      fetches.push(fetched);
      if (!fetched.answer) {
        problems.push(`inputFields.${name}: ${optionsUrl} ${fetched.error}`);
        break;
      }
      seen.push(...fetched.answer.options.map((o) => o.value));
      if (wanted === undefined || seen.includes(wanted) || !fetched.answer.after) break;
      after = fetched.answer.after;
    }
    if (wanted !== undefined && fetches.at(-1)?.answer && !seen.includes(wanted)) {
      problems.push(`inputFields.${name}: "${wanted}" is not among the options ${optionsUrl} offers (${seen.map((v) => `"${v}"`).join(', ') || 'none'})`);
    }
  }
  return { problems, fetches };
}

async function fetchOptions(url: string, request: OptionsRequest, ctx: OptionsContext): Promise<OptionsFetch> {
  const result = await postSigned({ url, body: JSON.stringify(request), clientSecret: ctx.clientSecret, timestamp: ctx.now, timeoutMs: ctx.timeoutMs });
  if (!result.response) return { url, request, error: `could not be reached: ${result.error ?? 'no answer'}` };
  const { status, body } = result.response;
  if (status < 200 || status >= 300) return { url, request, status, error: `answered ${status}: ${body.slice(0, 300)}` };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { url, request, status, error: 'answered with a body that is not JSON' };
  }
  const parsed = optionsAnswerSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    return { url, request, status, error: `answered with a body that is not {options:[{label,value,description?}], after?, searchable?}: ${issues}` };
  }
  return { url, request, status, answer: parsed.data };
}
