// Starts a fake Microsoft Dynamics 365 / Dataverse: the login host (identity platform endpoints and the control
// API) and one listener per environment, each its own origin as each org has its own host. Returns the handle.
import express, { type Request } from 'express';
import { Delays } from '../common/delays';
import { controlError } from '../common/errors';
import { bareApp, closeAll, errorHandler, listenAll } from '../common/http-server';
import { changeOptions, resolveOptions } from '../common/options';
import { Random } from '../common/random';
import { onlyFor, tagRequests, tokenKind, type RequestTag } from '../common/request-tags';
import type { SandboxContext } from './context';
import { controlRoutes } from './control-routes';
import { Environment, etagOf, type StoredRow } from './environment';
import { environmentApp } from './environment-app';
import { SandboxHttpError } from './errors';
import { Faults } from './faults';
import { oauthRoutes } from './oauth';
import { DEFAULT_OPTIONS, optionChangeSchema, optionsSchema, type DynamicsSandboxOptions } from './options';
import { PagingCookies } from './paging-cookies';
import { ServiceProtection } from './service-protection';
import { SessionStore } from './sessions';
import { StatsRecorder } from './stats';
import type { EntitySet } from './tables';
import { DynamicsWebhookSender } from './webhook-sender';
import type { DataverseRecord, DynamicsEnvironmentHandle, DynamicsSandbox } from './handle';

export type { DynamicsSandboxOptions, DynamicsEnvironmentOptions } from './options';
export type { DynamicsSandboxStats } from './stats';
export type { FaultControls as DynamicsFaultControls } from './faults';
export type { EntitySet } from './tables';
export type { DataverseRecord, DynamicsEnvironmentHandle, DynamicsSandbox } from './handle';

function classifyLogin(req: Request): RequestTag {
  if (/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(req.path)) return { area: 'token', kind: tokenKind(req.body?.grant_type) };
  if (/^\/[^/]+\/oauth2\/v2\.0\/authorize$/.test(req.path)) return { area: 'other', kind: 'authorize' };
  return { area: 'other', kind: 'other' };
}

const guidFrom = (random: Random) => {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export async function startDynamicsSandbox(options: DynamicsSandboxOptions = {}): Promise<DynamicsSandbox> {
  const resolved = resolveOptions(optionsSchema, DEFAULT_OPTIONS, options);
  const random = new Random(resolved.seed);
  const tenantId = guidFrom(random);
  const sessions = new SessionStore({ tenantId, objectId: guidFrom(random), upn: 'integration.user@sandbox.onmicrosoft.com', name: 'Integration User' });
  const delays = new Delays();
  const stats = new StatsRecorder();
  const webhooks = new DynamicsWebhookSender(resolved);
  const environments = resolved.environments.map(
    (spec, index) => new Environment(spec.name, resolved.seed * 1009 + index * 7919, spec.changeTracking ?? {}, (environment, change) => webhooks.changed(environment, change)),
  );
  let loginUrl = '';
  const faults = new Faults(
    delays,
    (code) => stats.refused(code),
    () => {
      for (const environment of environments) environment.expireDeltaTokens();
    },
    // The knobs are shared by every environment, so the mid-paging 401's challenge names the tenant, not the resource.
    () => new SandboxHttpError(401, undefined, 'unauthorized', { 'WWW-Authenticate': `Bearer authorization_uri=${loginUrl}/${tenantId}/oauth2/authorize` }),
  );
  const context: SandboxContext = {
    options: resolved,
    environments,
    sessions,
    faults,
    stats,
    serviceProtection: new ServiceProtection(() => ({ requests: resolved.requestsPerWindow, windowMs: resolved.requestWindowMs, concurrent: resolved.concurrentRequests })),
    pagingCookies: new PagingCookies(),
    delays,
    loginUrl: () => loginUrl,
    environmentByOrigin: (origin) => environments.find((environment) => environment.url.toLowerCase() === origin.toLowerCase()),
  };

  const truth = (environment: Environment, entitySet: EntitySet, row: StoredRow): DataverseRecord => ({ '@odata.etag': etagOf(row), ...row.values });
  const handles: DynamicsEnvironmentHandle[] = environments.map((environment) => ({
    name: environment.name,
    get url() {
      return environment.url;
    },
    get apiUrl() {
      return `${environment.url}/api/data/v9.2`;
    },
    organizationId: environment.organizationId,
    userId: environment.userId,
    seed: (entitySet, count, opts) => environment.seed(entitySet, count, opts),
    create: (entitySet, values, opts = {}) => truth(environment, entitySet, environment.create(entitySet, values, opts.id?.toLowerCase())),
    update: (entitySet, id, values) => truth(environment, entitySet, environment.update(entitySet, id, values)),
    updateMany: (entitySet, ids, values, opts) => environment.updateMany(entitySet, ids, values, opts).map((row) => truth(environment, entitySet, row)),
    importNow: (entitySet, count, opts) => environment.importNow(entitySet, count, opts),
    delete: (entitySet, id) => environment.delete(entitySet, id),
    records: (entitySet) => environment.records(entitySet),
    setChangeTracking: (entitySet, enabled) => {
      environment.changeTracking[entitySet] = enabled;
    },
    advanceClock: (ms) => environment.clock.advance(ms),
  }));

  const sandbox: DynamicsSandbox = {
    url: '',
    tenantId,
    environments: handles,
    environment(name) {
      const found = name === undefined ? handles[0] : handles.find((handle) => handle.name === name);
      if (!found) throw controlError(404, `no environment named ${String(name)}`, [{ field: 'environment', message: `must be one of ${handles.map((h) => h.name).join(', ')}` }]);
      return found;
    },
    close: async () => undefined,
    setOptions(partial) {
      const changed = changeOptions(resolved, optionChangeSchema, partial);
      if (changed.seed !== undefined) environments.forEach((environment, index) => environment.reseed(changed.seed! * 1009 + index * 7919));
    },
    seed: (entitySet, count, opts) => handles[0].seed(entitySet, count, opts),
    issueGrant(opts = {}) {
      const environment = environments[handles.indexOf(sandbox.environment(opts.environment))];
      const { grant, access, refreshToken } = sessions.createGrant(resolved.clientId, environment.url, { accessMs: resolved.accessTokenLifetimeMs, refreshMs: resolved.refreshTokenLifetimeMs }, opts.offlineAccess ?? true);
      return { accessToken: access.token, refreshToken: refreshToken ?? '', expiresIn: Math.round(resolved.accessTokenLifetimeMs / 1000), grantId: grant.id, environmentUrl: environment.url, tenantId };
    },
    expireSessions: () => sessions.expireAccessTokens(),
    expireRefreshTokens: () => sessions.expireRefreshTokens(),
    revokeGrant(grantIdOrToken) {
      if (!sessions.revoke(grantIdOrToken)) throw controlError(404, 'no grant with that id or token', [{ field: 'grantIdOrToken', message: 'unknown' }]);
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    faults,
    webhookStats: () => ({ ...webhooks.stats }),
    webhooksFlushed: () => webhooks.flushed(),
  };

  const login = bareApp();
  login.use('/__sandbox', controlRoutes(sandbox));
  login.use(express.urlencoded({ extended: false, limit: '1mb' }));
  login.use(tagRequests(classifyLogin, stats));
  // Token faults act before the endpoint; data faults act in each environment, after authentication.
  login.use(onlyFor('token', faults.middleware()));
  login.use(oauthRoutes(context));
  login.use(() => {
    throw new SandboxHttpError(404, { error: 'not_found', error_description: 'No such endpoint on the login host.' }, 'not found');
  });
  login.use(
    errorHandler({
      invalidJson: (res) => res.status(400).json({ error: 'invalid_request', error_description: 'The request body is not valid.' }),
      clientError: (res, status, message) => res.status(status).type('text').send(message),
      internalError: (res) => res.status(500).json({ error: 'server_error', error_description: 'AADSTS90033: A transient error has occurred.' }),
    }),
  );

  const [loginServer, ...environmentServers] = await listenAll(
    [
      { app: login, where: { port: resolved.port, host: resolved.host } },
      ...environments.map((environment, index) => {
        const spec = resolved.environments[index];
        return { app: environmentApp(context, environment), where: { port: spec.port ?? 0, host: spec.host ?? resolved.host } };
      }),
    ],
    delays,
  );
  loginUrl = loginServer.url;
  environments.forEach((environment, index) => (environment.url = environmentServers[index].url));
  sandbox.url = loginUrl;
  sandbox.close = async () => {
    await webhooks.close();
    await closeAll([loginServer, ...environmentServers]);
  };
  return sandbox;
}
