/**
 * Errors in HubSpot's public API shape. Thrown anywhere in the sandbox and rendered by the
 * error middleware, so every endpoint answers with the same body HubSpot would send.
 */
export type ErrorCategory =
  | 'VALIDATION_ERROR'
  | 'OBJECT_NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_AUTHENTICATION'
  | 'RATE_LIMITS'
  | 'INTERNAL_ERROR';

export interface ErrorDetail {
  message: string;
  code?: string;
  context?: Record<string, string[]>;
  in?: string;
}

export class HubSpotError extends Error {
  constructor(
    readonly status: number,
    readonly category: ErrorCategory,
    message: string,
    readonly errors: ErrorDetail[] = [],
    readonly context?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'HubSpotError';
  }

  toBody(correlationId: string): Record<string, unknown> {
    return {
      status: 'error',
      message: this.message,
      correlationId,
      ...(this.context ? { context: this.context } : {}),
      category: this.category,
      ...(this.errors.length > 0 ? { errors: this.errors } : {}),
    };
  }
}

export const validationError = (message: string, errors: ErrorDetail[] = [], context?: Record<string, string[]>) =>
  new HubSpotError(400, 'VALIDATION_ERROR', message, errors, context);

export const notFound = (message: string, context?: Record<string, string[]>) =>
  new HubSpotError(404, 'OBJECT_NOT_FOUND', message, [], context);

export const conflict = (message: string, context?: Record<string, string[]>) =>
  new HubSpotError(409, 'CONFLICT', message, [], context);

/** One invalid property value, reported the way HubSpot lists them inside the error message. */
export interface PropertyProblem {
  name: string;
  error: string;
  message: string;
}

/** HubSpot embeds the per-property problems as JSON in the message and also lists them in `errors`. */
export function invalidProperties(problems: PropertyProblem[]): HubSpotError {
  const listed = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.error,
    name: p.name,
    localizedErrorMessage: p.message,
  }));
  return validationError(
    `Property values were not valid: ${JSON.stringify(listed)}`,
    problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  );
}
