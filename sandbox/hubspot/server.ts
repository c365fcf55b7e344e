// Starts one fake HubSpot account over HTTP (app.hubspot.com and api.hubapi.com at once) and returns its handle.
import express, { type Request } from 'express';
import { Delays } from '../common/delays';
import { controlError } from '../common/errors';
import { bareApp, errorHandler, listen } from '../common/http-server';
import { changeOptions, resolveOptions } from '../common/options';
import { onlyFor, tagRequests, tokenKind, type RequestTag } from '../common/request-tags';
import type { SandboxContext } from './context';
import { controlRoutes } from './control-routes';
import { dataRoutes } from './data-routes';
import { crmError } from './errors';
import { Faults } from './faults';
import { oauthRoutes } from './oauth';
import { DEFAULT_OPTIONS, optionsSchema, type HubSpotSandboxOptions } from './options';
import { Portal, type HubSpotRecord } from './portal';
import { accessTokenInfoRoutes } from './access-token-info';
import { HubSpotWebhookSender, type ChangeKind } from './webhook-sender';
import type { HubSpotObject } from './properties';
import { RateLimits } from './rate-limits';
import { SessionStore } from './sessions';
import { StatsRecorder } from './stats';
import type { HubSpotSandbox } from './handle';

export type { HubSpotObject } from './properties';
export type { HubSpotRecord } from './portal';
export type { HubSpotSandboxOptions } from './options';
export type { HubSpotSandboxStats } from './stats';
export type { FaultControls as HubSpotFaultControls } from './faults';
export type { HubSpotSandbox } from './handle';

export const DEFAULT_SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.companies.read'];

function classify(req: Request): RequestTag {
  const path = req.path;
  if (path.startsWith('/crm/v3/properties/')) return { area: 'data', kind: 'properties' };
  if (path.startsWith('/crm/v3/objects/')) {
    if (req.method === 'POST' && /^\/crm\/v3\/objects\/[^/]+\/search\/?$/.test(path)) return { area: 'data', kind: 'search' };
    if (req.method === 'GET' && /^\/crm\/v3\/objects\/[^/]+\/?$/.test(path)) return { area: 'data', kind: 'list' };
    if (req.method === 'GET') return { area: 'data', kind: 'read' };
    if (req.method === 'POST') return { area: 'data', kind: 'create' };
    if (req.method === 'PATCH') return { area: 'data', kind: 'update' };
    return { area: 'data', kind: 'other' };
  }
  if (path === '/oauth/v1/token') return { area: 'token', kind: tokenKind(req.body?.grant_type) };
  if (path === '/oauth/authorize') return { area: 'other', kind: 'authorize' };
  return { area: 'other', kind: 'other' };
}

export async function startHubSpotSandbox(options: HubSpotSandboxOptions = {}): Promise<HubSpotSandbox> {
  const resolved = resolveOptions(optionsSchema, DEFAULT_OPTIONS, options);
  const portal = new Portal(resolved.seed);
  const sessions = new SessionStore(portal.portalId);
  const delays = new Delays();
  const stats = new StatsRecorder();
  const faults = new Faults(delays, (reason) => stats.refused(reason));
  const rateLimits = new RateLimits(() => ({ tenSecondly: resolved.tenSecondlyLimit, searchPerSecond: resolved.searchPerSecondLimit }));
  let url = '';
  const context: SandboxContext = { options: resolved, portal, sessions, faults, stats, rateLimits, delays, url: () => url };

  const webhooks = new HubSpotWebhookSender(resolved, () => portal.portalId);
  /** Every change made through the handle (and so the control routes) is announced to `webhookUrl`. */
  const announced = (object: HubSpotObject, kind: ChangeKind, properties: Record<string, unknown>, record: HubSpotRecord): HubSpotRecord => {
    webhooks.changed(object, record.id, kind, properties);
    return record;
  };

  const sandbox: HubSpotSandbox = {
    url: '',
    close: async () => undefined,
    setOptions(partial) {
      const changed = changeOptions(resolved, optionsSchema, partial);
      if (changed.seed !== undefined) portal.reseed(changed.seed);
    },
    seed: (object, count, opts) => portal.seed(object, count, opts),
    create: (object, properties) => announced(object, 'creation', properties, portal.create(object, properties)),
    update: (object, id, properties) => announced(object, 'propertyChange', properties, portal.update(object, id, properties)),
    updateMany: (object, ids, properties, opts) =>
      portal.updateMany(object, ids, properties, opts).map((record) => announced(object, 'propertyChange', properties, record)),
    importNow: (object, count, opts) => {
      const ids = portal.importNow(object, count, opts);
      for (const id of ids) webhooks.changed(object, id, 'creation');
      return ids;
    },
    archive: (object, id) => {
      portal.archive(object, id);
      webhooks.changed(object, id, 'deletion');
    },
    restore: (object, id) => announced(object, 'restore', {}, portal.restore(object, id)),
    purgeArchived: () => portal.purgeArchived(),
    records: (object, opts) => portal.records(object, opts),
    issueGrant(opts = {}) {
      const { grant, access } = sessions.createGrant(resolved.clientId, opts.scopes ?? DEFAULT_SCOPES, resolved.accessTokenLifetimeMs);
      return { accessToken: access.token, refreshToken: grant.refreshToken, expiresIn: Math.round(resolved.accessTokenLifetimeMs / 1000), grantId: grant.id };
    },
    expireSessions: () => sessions.expireAll(),
    revokeGrant(grantIdOrToken) {
      if (!sessions.revoke(grantIdOrToken)) throw controlError(404, 'no grant with that id or token', [{ field: 'grantIdOrToken', message: 'unknown' }]);
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    faults,
    webhookStats: () => ({ ...webhooks.stats }),
    webhooksFlushed: () => webhooks.flushed(),
  };

  const app = bareApp();
  app.use('/__sandbox', controlRoutes(sandbox));
  app.use('/oauth', express.urlencoded({ extended: false, limit: '1mb' }));
  app.use('/crm', express.json({ limit: '1mb' }));
  app.use(tagRequests(classify, stats));
  // Token faults act before the endpoint; data faults act inside the data routes, after authentication.
  app.use(onlyFor('token', faults.middleware()));
  app.use(faults.holdWriteAnswersMiddleware());
  app.use(oauthRoutes(context));
  app.use(accessTokenInfoRoutes(context));
  app.use(dataRoutes(context));
  app.use(
    errorHandler({
      invalidJson: (res) => res.status(400).json(crmError(400, 'VALIDATION_ERROR', 'Invalid input JSON: the request body is not valid JSON').body),
      clientError: (res, status, message) => res.status(status).type('text').send(message),
      internalError: (res) => res.status(500).json(crmError(500, 'INTERNAL_ERROR', 'internal error').body),
    }),
  );

  const server = await listen(app, resolved, delays);
  url = server.url;
  sandbox.url = url;
  sandbox.close = async () => {
    await webhooks.close();
    await server.close();
  };
  return sandbox;
}
