// Starts one fake Salesforce org over HTTP (login host and instance_url at once) and returns the handle tests drive it with.
import express, { type Request } from 'express';
import { Delays } from '../common/delays';
import { controlError } from '../common/errors';
import { bareApp, errorHandler, listen } from '../common/http-server';
import { changeOptions, resolveOptions } from '../common/options';
import { tagRequests, tokenKind, type RequestTag } from '../common/request-tags';
import { ApiUsage } from './api-usage';
import type { SandboxContext } from './context';
import { controlRoutes } from './control-routes';
import { dataRoutes } from './data-routes';
import { SandboxHttpError } from './errors';
import { Faults } from './faults';
import type { SalesforceObject } from './fields';
import { identityRoutes, oauthRoutes } from './oauth';
import { DEFAULT_OPTIONS, optionsSchema, type SalesforceSandboxOptions } from './options';
import { Org } from './org';
import { OutboundMessageSender } from './outbound-messages';
import { userInfoRoutes } from './userinfo';
import { QueryLocators } from './query-locators';
import { SessionStore, scopeGrantsRefresh } from './sessions';
import { StatsRecorder } from './stats';
import type { SalesforceSandbox } from './handle';

export type { SalesforceObject, SalesforceRecord } from './fields';
export type { SalesforceSandboxOptions } from './options';
export type { SandboxStats } from './stats';
export type { FaultControls } from './faults';
export type { SalesforceSandbox } from './handle';

/** Tells requests apart once, for the stats and the fault middleware. */
function classify(req: Request): RequestTag {
  const path = req.path;
  if (path.startsWith('/services/data/')) {
    const match = /^\/services\/data\/[^/]+\/(query|queryAll)(\/[^/]+)?\/?$/.exec(path);
    if (match) return { area: 'data', kind: match[2] ? 'queryMore' : match[1] };
    if (/^\/services\/data\/[^/]+\/sobjects\/[^/]+\/describe\/?$/.test(path)) return { area: 'data', kind: 'describe' };
    return { area: 'data', kind: /^\/services\/data\/[^/]+\/limits\/?$/.test(path) ? 'limits' : 'other' };
  }
  if (path === '/services/oauth2/token') return { area: 'token', kind: tokenKind(req.body?.grant_type) };
  if (path === '/services/oauth2/authorize') return { area: 'other', kind: 'authorize' };
  if (path === '/services/oauth2/introspect') return { area: 'other', kind: 'introspect' };
  if (path === '/services/oauth2/revoke') return { area: 'other', kind: 'revoke' };
  return { area: 'other', kind: 'other' };
}

export async function startSalesforceSandbox(options: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  const resolved = resolveOptions(optionsSchema, DEFAULT_OPTIONS, options);
  const org = new Org(resolved.seed);
  const sessions = new SessionStore(org.orgId);
  const locators = new QueryLocators(org.pod);
  const delays = new Delays();
  const stats = new StatsRecorder();
  const usage = new ApiUsage(() => resolved.dailyApiLimit);
  const faults = new Faults(delays, () => locators.expireAll());
  let url = '';
  const context: SandboxContext = {
    options: resolved,
    org,
    sessions,
    locators,
    faults,
    stats,
    usage,
    delays,
    url: () => url,
    identityUrl: () => `${url}/id/${org.orgId}/${org.userId}`,
  };

  const outbound = new OutboundMessageSender(resolved, () => org.orgId, () => url);
  const announced = <R extends { Id: string }>(object: SalesforceObject, record: R): R => {
    outbound.changed(object, record.Id);
    return record;
  };

  const sandbox: SalesforceSandbox = {
    url: '',
    orgId: org.orgId,
    integration: (key) => ({
      key,
      provider: 'salesforce',
      clientId: resolved.clientId,
      clientSecret: resolved.clientSecret,
      authorizationUrl: `${url}/services/oauth2/authorize`,
      tokenUrl: `${url}/services/oauth2/token`,
    }),
    close: async () => undefined,
    setOptions(partial) {
      const changed = changeOptions(resolved, optionsSchema, partial);
      if (changed.seed !== undefined) org.reseed(changed.seed);
    },
    seed: (object, count, opts) => org.seed(object, count, opts),
    create: (object, fields) => announced(object, org.create(object, fields)),
    update: (object, id, fields, opts) => announced(object, org.update(object, id, fields, opts)),
    touch: (object, id) => announced(object, org.touch(object, id)),
    delete: (object, id) => {
      org.delete(object, id);
      outbound.changed(object, id);
    },
    purgeRecycleBin: () => org.purgeRecycleBin(),
    advanceClock: (ms) => org.clock.advance(ms),
    records: (object, opts) => org.records(object, opts),
    issueGrant(opts = {}) {
      const scope = opts.scope ?? 'api refresh_token';
      const { grant, session } = sessions.createGrant(resolved.clientId, scope, resolved.sessionLifetimeMs);
      return {
        accessToken: session.accessToken,
        refreshToken: scopeGrantsRefresh(scope) ? (grant.refreshToken ?? '') : '',
        instanceUrl: url,
        grantId: grant.id,
      };
    },
    expireSessions: () => sessions.expireAllSessions(),
    revokeGrant(grantIdOrRefreshToken) {
      if (!sessions.revoke(grantIdOrRefreshToken)) throw controlError(404, 'no grant with that id or refresh token', [{ field: 'grantIdOrRefreshToken', message: 'unknown' }]);
    },
    stats: () => stats.snapshot(usage.current()),
    resetStats() {
      stats.reset();
      usage.reset();
    },
    faults,
    webhookStats: () => outbound.stats,
    webhooksFlushed: () => outbound.flushed(),
  };

  const app = bareApp();
  app.use('/__sandbox', controlRoutes(sandbox));
  app.use('/services/oauth2', express.urlencoded({ extended: false, limit: '1mb' }));
  app.use('/services/data', express.json({ limit: '1mb' }));
  app.use(tagRequests(classify, stats));
  app.use((_req, res, next) => {
    // Every data answer reports the day's usage, including the ones a fault or a bad session cuts short.
    if (res.locals.area === 'data') res.set('Sforce-Limit-Info', usage.header());
    next();
  });
  app.use(faults.holdMiddleware());
  app.use(faults.holdWriteAnswersMiddleware());
  app.use(faults.middleware());
  app.use(userInfoRoutes(context));
  app.use('/services/oauth2', oauthRoutes(context));
  app.use('/services/data', dataRoutes(context));
  app.use('/id', identityRoutes(context));
  app.use(() => {
    throw new SandboxHttpError(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }], 'not found');
  });
  app.use(
    errorHandler({
      invalidJson: (res) => res.status(400).json({ error: 'request body is not valid JSON', fields: [{ field: '(body)', message: 'invalid JSON' }] }),
      clientError: (res, status, message) => res.status(status).json({ error: message, fields: [] }),
      // Answered as Salesforce answers its own bugs.
      internalError: (res) => res.status(500).json([{ message: 'An unexpected error occurred.', errorCode: 'UNKNOWN_EXCEPTION' }]),
    }),
  );

  const server = await listen(app, resolved, delays);
  url = server.url;
  sandbox.url = url;
  sandbox.close = async () => {
    await outbound.close();
    await server.close();
  };
  return sandbox;
}
