import { z } from 'zod';
import { AppError, validationError } from '../errors';

/**
 * What HubSpot POSTs to a custom workflow action's actionUrl. Unknown keys are allowed (HubSpot adds
 * fields over time); the ones we rely on are required, and a mismatch is a 400 naming the field.
 */
export const actionRequestSchema = z.looseObject({
  callbackId: z.string().min(1, 'callbackId is required'),
  origin: z.looseObject({
    portalId: z.number().int(),
    actionDefinitionId: z.number().int().optional(),
    actionDefinitionVersion: z.number().int().optional(),
  }),
  context: z.looseObject({ source: z.string().optional(), workflowId: z.number().int().optional() }).optional(),
  object: z.looseObject({
    objectId: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
    objectType: z.string().transform((t) => t.toUpperCase()),
    properties: z.record(z.string(), z.string().nullable()).optional(),
  }),
  inputFields: z.record(z.string(), z.unknown()).default({}),
});

export type ActionRequest = z.output<typeof actionRequestSchema>;

export function parseActionRequest(body: unknown): ActionRequest {
  const parsed = actionRequestSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, 'workflow action request');
  return parsed.data;
}

/** Input fields arrive as strings, numbers or booleans; blank means "not set". */
export function inputString(inputs: Record<string, unknown>, name: string): string | undefined {
  const v = inputs[name];
  if (v === undefined || v === null) return undefined;
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
