// Errors of the browser routes become HTML error pages (a person reads them, not a program); same statuses as the JSON API.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error';
import { statusOf } from './error-handler';
import { errorPage } from './html-pages';

/** A body-parser refusal (malformed, too large, too many fields, unknown charset): its status is a 4xx. */
function isUnreadableForm(error: unknown): boolean {
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  return typeof type === 'string' && typeof status === 'number' && status >= 400 && status < 500;
}

export function htmlErrorHandler(logger: Logger, appName: string): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let status: number;
    let message: string;
    if (error instanceof AppError) {
      status = statusOf(error.code);
      message = error.message;
    } else if (isUnreadableForm(error)) {
      // The connect screen's form never sends this; a hand-made or fuzzed one is bad input, not a server fault.
      status = 400;
      message = 'The form could not be read. Start connecting again from the app.';
    } else {
      // The path only: the query of these routes carries connect tokens, states and codes.
      logger.error({ err: error, method: req.method, path: req.path }, 'unexpected error');
      status = 500;
      message = 'Tributary could not finish connecting your account. Start again from the app.';
    }
    res.status(status).type('text/html; charset=utf-8').send(errorPage(appName, status, message));
  };
}
