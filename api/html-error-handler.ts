// Errors of the browser routes become HTML error pages (a person reads them, not a program); same statuses as the JSON API.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error';
import { statusOf } from './error-handler';
import { errorPage } from './html-pages';

export function htmlErrorHandler(logger: Logger, appName: string): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let status: number;
    let message: string;
    if (error instanceof AppError) {
      status = statusOf(error.code);
      message = error.message;
    } else {
      // The path only: the query of these routes carries connect tokens, states and codes.
      logger.error({ err: error, method: req.method, path: req.path }, 'unexpected error');
      status = 500;
      message = 'Tributary could not finish connecting your account. Start again from the app.';
    }
    res.status(status).type('text/html; charset=utf-8').send(errorPage(appName, status, message));
  };
}
