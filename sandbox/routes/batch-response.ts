/** HubSpot's batch envelope; with errors the status code becomes 207 (Multi-Status). */
export interface BatchError {
  status: 'error';
  category: string;
  message: string;
  context: Record<string, string[]>;
  errors: unknown[];
  links: Record<string, string>;
  subCategory?: string;
}

export const MAX_BATCH_INPUTS = 100;

export function batchBody(results: unknown[], errors: BatchError[], startedAt: number, completedAt: number): Record<string, unknown> {
  return {
    status: 'COMPLETE',
    results,
    ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
    startedAt: new Date(startedAt).toISOString(),
    completedAt: new Date(completedAt).toISOString(),
  };
}

export function batchError(category: string, message: string, context: Record<string, string[]>, subCategory?: string): BatchError {
  return { status: 'error', category, message, context, errors: [], links: {}, ...(subCategory ? { subCategory } : {}) };
}
