// POST /provider-webhooks/:integration[/:webhookSecret]: change notifications from providers; each kind authenticated
// by its own means, the URL secret before a byte of the body is read.
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error';
import type { AdmittedDelivery, ProviderWebhookUseCases } from '../use-cases/provider-webhooks';

export function providerWebhookRoutes(webhooks: ProviderWebhookUseCases, logger: Logger): Router {
  const router = Router();
  // Signing providers (HubSpot): the signature covers the exact bytes, so it is checked once they are read.
  router.post(
    '/provider-webhooks/:integration',
    guarded(logger, async (req, res) => {
      res.locals.delivery = await webhooks.admitSigned(String(req.params.integration));
    }),
    readBody(logger),
    guarded(logger, answer(webhooks)),
  );
  // Unsigned providers (Salesforce Outbound Messages): the URL's secret is the proof, checked before the body is read,
  // so a stranger's body is never inflated or parsed. Logs name the route pattern, never this path.
  router.post(
    '/provider-webhooks/:integration/:webhookSecret',
    guarded(logger, async (req, res) => {
      res.locals.delivery = await webhooks.admitWithUrlSecret(String(req.params.integration), String(req.params.webhookSecret));
    }),
    readBody(logger),
    guarded(logger, answer(webhooks)),
  );
  return router;
}

function answer(webhooks: ProviderWebhookUseCases) {
  return async (req: Request, res: Response) => {
    const result = await webhooks.receive(res.locals.delivery as AdmittedDelivery, {
      method: req.method,
      originalUrl: req.originalUrl,
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      header: (name) => req.get(name),
    });
    res.status(result.status);
    if (result.contentType) res.type(result.contentType);
    res.send(result.body ?? '');
  };
}

/**
 * Reads the raw body (Salesforce sends XML, HubSpot signs bytes) up to the kind's limit, counted after decompression:
 * body-parser stops inflating as soon as it passes the limit. Its errors become 400s saying which limit or encoding.
 */
function readBody(logger: Logger): RequestHandler {
  const readers = new Map<number, RequestHandler>();
  return (req, res, next) => {
    const limit = (res.locals.delivery as AdmittedDelivery).webhooks.maxBodyBytes;
    let reader = readers.get(limit);
    if (!reader) {
      reader = express.raw({ type: () => true, limit });
      readers.set(limit, reader);
    }
    reader(req, res, (error?: unknown) => next(error === undefined ? undefined : bodyError(error, limit, req, logger)));
  };
}

function bodyError(error: unknown, limit: number, req: Request, logger: Logger): AppError {
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') return AppError.invalid('body', `is larger than ${limit / 1024} KiB (counted after decompression)`);
  if (type === 'encoding.unsupported') return AppError.invalid('content-encoding', 'must be gzip, deflate or br, or none');
  if (type === 'request.aborted') return AppError.invalid('body', 'was cut off: the sender hung up before sending it whole');
  return unexpected(error, req, logger);
}

/**
 * Express's error handler logs an unexpected error with the request's path, which here holds the URL secret: errors
 * from these routes are logged here, naming the route pattern, and go on as a plain 500.
 */
function guarded(logger: Logger, handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next: NextFunction) => {
    handler(req, res).then(
      () => {
        if (!res.headersSent) next();
      },
      (error: unknown) => next(error instanceof AppError ? error : unexpected(error, req, logger)),
    );
  };
}

function unexpected(error: unknown, req: Request, logger: Logger): AppError {
  logger.error({ err: error, method: req.method, route: (req.route as { path?: string } | undefined)?.path ?? null, integration: req.params.integration }, 'unexpected error');
  return new AppError('internal', 'internal error');
}
