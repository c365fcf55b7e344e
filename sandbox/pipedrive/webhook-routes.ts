// `/api/v1/webhooks` on a company host: registering a v2 webhook with the HTTP Basic credentials deliveries will
// carry (admin scope; at most 40 per user, 422 beyond), listing and deleting them.
import { Router } from 'express';
import { isHttpUrl } from '../common/oauth-values';
import type { CompanyHost, SandboxContext } from './context';
import { apiError, notFound, validationFailed } from './errors';
import { pathId } from './query-params';
import { toApiWebhook } from './webhook-registry';

const EVENT_ACTIONS = ['create', 'change', 'delete', '*'];
const EVENT_OBJECTS = ['activity', 'deal', 'lead', 'note', 'organization', 'person', 'pipeline', 'product', 'project', 'stage', 'task', 'user', '*'];

function optionalText(body: Record<string, unknown>, name: string): string | null {
  const value = body[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw validationFailed(name, 'must be a string');
  return value;
}

export function webhookRoutes(context: SandboxContext, host: CompanyHost): Router {
  const router = Router();
  const { company } = host;

  router.post('/api/v1/webhooks', (req, res) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const url = optionalText(body, 'subscription_url');
    if (!url || !isHttpUrl(url)) throw validationFailed('subscription_url', 'must be a full, valid URL');
    const action = optionalText(body, 'event_action');
    if (!action || !EVENT_ACTIONS.includes(action)) throw validationFailed('event_action', `must be one of ${EVENT_ACTIONS.join(', ')}`);
    const object = optionalText(body, 'event_object');
    if (!object || !EVENT_OBJECTS.includes(object)) throw validationFailed('event_object', `must be one of ${EVENT_OBJECTS.join(', ')}`);
    // Version 2.0 is the default since 2025-03-17; the sandbox delivers only v2 payloads.
    const version = optionalText(body, 'version') ?? '2.0';
    if (version !== '2.0') throw validationFailed('version', 'the sandbox serves webhooks version 2.0 only');
    const grant = res.locals.grant as { id: string; userId: number };
    let userId = grant.userId;
    if (body.user_id !== undefined) {
      if (typeof body.user_id !== 'number' || !company.user(body.user_id)) throw validationFailed('user_id', 'must be the id of a user of this company');
      userId = body.user_id;
    }
    const httpAuthUser = optionalText(body, 'http_auth_user');
    const httpAuthPassword = optionalText(body, 'http_auth_password');
    if (context.webhooks.countForUser(company.domain, userId) >= context.options.webhookLimitPerUser) throw apiError(422, 'Webhooks limit reached');
    const webhook = context.webhooks.add({
      company: company.domain,
      companyId: company.id,
      ownerId: grant.userId,
      userId,
      eventAction: action,
      eventObject: object,
      subscriptionUrl: url,
      httpAuthUser,
      httpAuthPassword,
      name: optionalText(body, 'name') ?? `${action}.${object}`,
      grantId: grant.id,
      addMs: context.clock.now(),
    });
    res.status(201).json({ status: 'ok', success: true, data: toApiWebhook(webhook) });
  });

  router.get('/api/v1/webhooks', (_req, res) => {
    res.json({ status: 'ok', success: true, data: context.webhooks.list(company.domain).map(toApiWebhook) });
  });

  router.delete('/api/v1/webhooks/:id', (req, res) => {
    const webhook = context.webhooks.get(company.domain, pathId(String(req.params.id)));
    if (!webhook) throw notFound('Webhook');
    context.webhooks.remove(webhook, 'deleted_by_user');
    res.json({ status: 'ok', success: true });
  });

  return router;
}
