import { z } from 'zod';
import { AppError, validationError } from '../errors';

/**
 * What HubSpot POSTs to a custom workflow action's actionUrl. Unknown keys are allowed (HubSpot adds
 * fields over time); the ones we rely on are required, and a mismatch is a 400 naming the field.
 */
export const actionRequestSchema = z.looseObject({
  // HubSpot's ids look like ap-102670506-56776413549-7-0; this one is a database key.
  callbackId: z.string().min(1, 'callbackId is required').max(200, 'is longer than 200 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  origin: z.looseObject({
    portalId: z.number().int(),
    actionDefinitionId: z.number().int().optional(),
    actionDefinitionVersion: z.number().int().optional(),
  }),
  context: z.looseObject({ source: z.string().optional(), workflowId: z.number().int().optional() }).optional(),
  object: z.looseObject({
    objectId: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
    objectType: z.string().regex(/^[\w-]{1,100}$/, 'must be an object type such as CONTACT or DEAL').transform((t) => t.toUpperCase()),
    properties: z.record(z.string(), z.string().nullable()).optional(),
  }),
  inputFields: z.record(z.string(), z.unknown()).default({}),
});

export type ActionRequest = z.output<typeof actionRequestSchema>;

/**
 * Bounds on a delivery, checked before anything else reads it. HubSpot's payloads are shallow (the
 * deepest value is object.properties.<name>) and small; a body nested thousands deep parses, but
 * JSON.stringify and anything recursive then throws on it, which inside a group commit would fail
 * every delivery of the group.
 */
/** maxChars counts the text of keys and string values, what a delivery's size is made of. */
export const ACTION_REQUEST_LIMITS = { maxDepth: 8, maxKeys: 1000, maxChars: 256 * 1024 } as const;

function checkBounds(body: unknown): void {
  const { maxDepth, maxKeys, maxChars } = ACTION_REQUEST_LIMITS;
  const refuse = (message: string, code: 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE' = 'VALIDATION_FAILED') =>
    new AppError(code, `Invalid workflow action request: ${message}`, { issues: [{ path: '(root)', message }] });
  // Iterative, so the check itself cannot run out of stack on the input it exists to refuse.
  const pending: Array<{ value: unknown; depth: number }> = [{ value: body, depth: 0 }];
  let keys = 0;
  let chars = 0;
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (typeof value === 'string') chars += value.length;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) throw refuse(`nested deeper than ${maxDepth} levels`);
    const entries = Object.entries(value);
    keys += entries.length;
    if (keys > maxKeys) throw refuse(`more than ${maxKeys} fields`);
    for (const [key, child] of entries) {
      if (!Array.isArray(value)) chars += key.length;
      pending.push({ value: child, depth: depth + 1 });
    }
  }
  if (chars > maxChars) throw refuse(`more than ${maxChars} characters of text`, 'PAYLOAD_TOO_LARGE');
}

export function parseActionRequest(body: unknown): ActionRequest {
  checkBounds(body);
  const parsed = actionRequestSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, 'workflow action request');
  return parsed.data;
}

/**
 * Input fields arrive as strings, numbers or booleans; blank means "not set". Anything else is a 400
 * naming the field: converting an object to a string runs its own toString, which may not exist.
 */
export function inputString(inputs: Record<string, unknown>, name: string): string | undefined {
  const v = inputs[name];
  if (v === undefined || v === null) return undefined;
  const refuse = (message: string) =>
    new AppError('VALIDATION_FAILED', `Invalid workflow action request: inputFields.${name}: ${message}`, {
      issues: [{ path: `inputFields.${name}`, message }],
    });
  if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) {
    throw refuse('must be a text, number or true/false value');
  }
  // No HubSpot value holds a NUL character, and PostgreSQL cannot store or compare one.
  if (typeof v === 'string' && v.includes('\u0000')) throw refuse('must not contain NUL characters');
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

export function requireInput(inputs: Record<string, unknown>, name: string, label: string): string {
  const v = inputString(inputs, name);
  if (v === undefined) {
    throw new AppError('VALIDATION_FAILED', `Invalid workflow action request: inputFields.${name}: choose ${label}`, {
      issues: [{ path: `inputFields.${name}`, message: `choose ${label}` }],
    });
  }
  return v;
}

export type ExecutionState = 'SUCCESS' | 'FAIL_CONTINUE' | 'BLOCK' | 'ASYNC';

export interface ActionResponse {
  outputFields: Record<string, string> & { hs_execution_state: ExecutionState };
}
