// The one place errors become HTTP answers: AppError codes map to statuses; anything unexpected is a safe 500.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, type AppErrorCode } from '../errors/app-error';

const STATUS: Record<AppErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

export function statusOf(code: AppErrorCode): number {
  return STATUS[code];
}

export function notFoundHandler(): RequestHandler {
  return (req) => {
    throw new AppError('not_found', `no route for ${req.method} ${req.path}`);
  };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let appError: AppError;
    if (error instanceof AppError) {
      appError = error;
    } else if (isBodyParserError(error)) {
      // express.json() rejects malformed or oversized bodies before any route runs.
      appError = new AppError('validation_failed', `request body: ${error.type === 'entity.too.large' ? 'too large' : 'is not valid JSON'}`, {
        fields: [{ field: 'body', message: error.type === 'entity.too.large' ? 'too large' : 'is not valid JSON' }],
      });
    } else {
      logger.error({ err: error, method: req.method, path: req.path }, 'unexpected error');
      appError = new AppError('internal', 'internal error');
    }
    res.status(STATUS[appError.code]).json({ error: { code: appError.code, message: appError.message, ...appError.details } });
  };
}

function isBodyParserError(error: unknown): error is { type: string; status: number } {
  return typeof error === 'object' && error !== null && 'type' in error && typeof (error as { type: unknown }).type === 'string' &&
    ['entity.parse.failed', 'entity.too.large', 'encoding.unsupported', 'charset.unsupported'].includes((error as { type: string }).type);
}
