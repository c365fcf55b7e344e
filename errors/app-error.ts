// The one error type that crosses module boundaries: a stable code the API maps to an HTTP status, and a safe message.

export type AppErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'csrf_failed'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'unavailable'
  | 'internal';

export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: { fields?: FieldProblem[]; requiredScope?: 'admin' | 'read' } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(what: string, id: string): AppError {
    return new AppError('not_found', `${what} "${id}" does not exist`);
  }

  static invalid(field: string, message: string): AppError {
    return new AppError('validation_failed', `${field}: ${message}`, { fields: [{ field, message }] });
  }
}
