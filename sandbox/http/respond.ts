import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { HubSpotError, validationError } from '../crm/errors';

/** Every response carries a correlation id, like HubSpot's `correlationId` in error bodies. */
export function correlationId(res: Response): string {
  const existing = res.locals.correlationId as string | undefined;
  if (existing) return existing;
  const id = randomUUID();
  res.locals.correlationId = id;
  return id;
}

export function sendError(res: Response, error: HubSpotError): void {
  res.status(error.status).json(error.toBody(correlationId(res)));
}

/** Parses a request body with a zod schema; problems become HubSpot's 400 VALIDATION_ERROR. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    message: `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`,
    code: 'INVALID_INPUT',
    ...(issue.path.length > 0 ? { in: issue.path.join('.') } : {}),
  }));
  throw validationError(`Invalid input JSON: ${errors.map((e) => e.message).join('; ')}`, errors);
}

/** Renders thrown errors: HubSpot-shaped ones as they are, malformed JSON as a 400, the rest as a 500. */
export const errorHandler: ErrorRequestHandler = (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
  if (error instanceof HubSpotError) return sendError(res, error);
  const e = error as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.parse.failed') return sendError(res, validationError(`Invalid input JSON: ${e.message ?? 'malformed body'}`));
  if (e.status === 413) return sendError(res, validationError('Request body too large.'));
  res.status(500).json({ status: 'error', message: 'internal error', correlationId: correlationId(res), category: 'INTERNAL_ERROR' });
};
