// POST /provider-webhooks/:integration[/:webhookSecret]: change notifications from providers; each kind authenticated
// by its own means, the URL secret before a byte of the body is read.
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { implement } from '../openapi-implement';
import type { AdmittedDelivery, ProviderWebhookUseCases } from '../use-cases/provider-webhooks';

export function providerWebhookRoutes(webhooks: ProviderWebhookUseCases, logger: Logger): Router {
  const router = Router();
  const admission = (delivery: AdmittedDelivery) => ({ maxBodyBytes: delivery.webhooks.maxBodyBytes, admitted: delivery });
  implement(
    router,
    {
      // Signing providers (HubSpot): the signature covers the exact bytes, so it is checked once they are read.
      receiveProviderWebhook: {
        admit: async ({ params }) => admission(await webhooks.admitSigned(params.integration)),
        handle: ({ admitted, body, exchange }) => answer(webhooks, admitted as AdmittedDelivery, body, exchange),
      },
      // Unsigned providers (Salesforce Outbound Messages): the URL's secret is the proof, checked before the body is
      // read, so a stranger's body is never inflated or parsed. Logs name the route pattern, never this path.
      receiveProviderWebhookWithSecret: {
        admit: async ({ params }) => admission(await webhooks.admitWithUrlSecret(params.integration, params.webhookSecret)),
        handle: ({ admitted, body, exchange }) => answer(webhooks, admitted as AdmittedDelivery, body, exchange),
      },
    },
    { logger },
  );
  return router;
}

/** The provider's own answer (HubSpot's 204, Salesforce's Ack envelope), with the status and type the kind decides. */
async function answer(
  webhooks: ProviderWebhookUseCases,
  delivery: AdmittedDelivery,
  rawBody: Buffer,
  { req, res }: { req: Request; res: Response },
): Promise<'answered'> {
  const result = await webhooks.receive(delivery, { method: req.method, originalUrl: req.originalUrl, rawBody, header: (name) => req.get(name) });
  res.status(result.status);
  if (result.contentType) res.type(result.contentType);
  res.send(result.body ?? '');
  return 'answered';
}
