// POST /provider-webhooks/:integration: change notifications from providers; authenticated by the provider's own means.
import express, { Router } from 'express';
import type { ProviderWebhookUseCases } from '../use-cases/provider-webhooks';

export function providerWebhookRoutes(webhooks: ProviderWebhookUseCases): Router {
  const router = Router();
  // Raw: HubSpot signs the exact bytes, and Salesforce sends XML.
  router.post('/provider-webhooks/:integration', express.raw({ type: () => true, limit: '2mb' }), async (req, res) => {
    const answer = await webhooks.receive(String(req.params.integration), {
      method: req.method,
      originalUrl: req.originalUrl,
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      header: (name) => req.get(name),
    });
    res.status(answer.status);
    if (answer.contentType) res.type(answer.contentType);
    res.send(answer.body ?? '');
  });
  return router;
}
