// Starts a fake Pipedrive over HTTP: oauth.pipedrive.com (with the /__sandbox control API) on one loopback listener,
// and each company's `{domain}.pipedrive.com` on a listener of its own, so every company has its own `api_domain`.
import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import { Delays } from '../common/delays';
import { controlError } from '../common/errors';
import { bareApp, closeAll, errorHandler, listenAll } from '../common/http-server';
import { changeOptions, resolveOptions } from '../common/options';
import { onlyFor, tagRequests, tokenKind, type RequestTag } from '../common/request-tags';
import { SandboxClock } from '../common/clock';
import { Company, asControlError, type ChangeOrigin } from './company';
import type { CompanyHost, SandboxContext } from './context';
import { controlRoutes } from './control-routes';
import { authenticate, dataRoutes, edgeRoutes, rateLimited } from './data-routes';
import { classifyApi } from './endpoints';
import { CloudflareBlock, apiError, oauthError } from './errors';
import { Faults } from './faults';
import { toApiField } from './fields';
import { oauthRoutes, tokenBody } from './oauth';
import { DEFAULT_OPTIONS, optionChangeSchema, optionsSchema, type PipedriveSandboxOptions } from './options';
import { RateLimits } from './rate-limits';
import { SessionStore } from './sessions';
import { StatsRecorder } from './stats';
import { WebhookRegistry, toApiWebhook } from './webhook-registry';
import { WebhookSender } from './webhook-sender';
import type { CompanyChoice, PipedriveSandbox } from './handle';

export type { PipedriveObject } from './fields';
export type { PipedriveSandboxOptions } from './options';
export type { PipedriveSandboxStats } from './stats';
export type { ApiItem as PipedriveItem } from './record-values';
export type { FaultControls as PipedriveFaultControls } from './faults';
export type { SandboxCompany, PipedriveSandbox } from './handle';


const UI_CHANGE = (host: CompanyHost): ChangeOrigin => ({ source: 'app', userId: host.company.admin.id });

function oauthKind(req: Request): RequestTag {
  if (req.path === '/oauth/token') return { area: 'token', kind: tokenKind(req.body?.grant_type) };
  if (req.path === '/oauth/authorize') return { area: 'other', kind: 'authorize' };
  if (req.path === '/oauth/revoke') return { area: 'other', kind: 'revoke' };
  return { area: 'other', kind: 'other' };
}

/** Cloudflare's block page is HTML; everything else goes to the shared handler as JSON. */
const cloudflarePages: ErrorRequestHandler = (error, _req, res, next) => {
  if (!(error instanceof CloudflareBlock) || res.headersSent) return next(error);
  res.status(403).type('html').send(error.html);
};

const apiFallbacks = errorHandler({
  invalidJson: (res) => res.status(400).json(apiError(400, 'Invalid JSON in request body').body),
  clientError: (res, status, message) => res.status(status).json(apiError(status, message).body),
  internalError: (res) => res.status(500).json(apiError(500, 'Internal server error').body),
});

export async function startPipedriveSandbox(options: PipedriveSandboxOptions = {}): Promise<PipedriveSandbox> {
  const resolved = resolveOptions(optionsSchema, DEFAULT_OPTIONS, options);
  const clock = new SandboxClock();
  const delays = new Delays();
  const stats = new StatsRecorder();
  const sessions = new SessionStore(clock);
  const rateLimits = new RateLimits(clock, () => resolved);
  const webhooks = new WebhookRegistry();
  const faults = new Faults(delays, (kind) => {
    stats.refused(kind);
    // A storm's 429s try Cloudflare's patience like real ones, on every company host.
    if (kind !== 'cloudflare') for (const domain of companies.keys()) rateLimits.noteRefusal(domain);
  });
  const webhookSender = new WebhookSender(webhooks, clock, delays, () => resolved, () => faults.webhookQuirks());
  const companies = new Map<string, CompanyHost>();
  /** Each company's URL is known once its listener is up. */
  const urls = new Map<string, string>();
  resolved.companies.forEach((spec, index) => {
    const name = `${spec.domain.charAt(0).toUpperCase()}${spec.domain.slice(1)} Ltd`;
    const company = new Company(spec.domain, name, resolved.seed + index * 7919, clock, () => resolved);
    company.onChange = (event) => webhookSender.announce(company, event);
    companies.set(spec.domain, { company, limits: { domain: spec.domain, plan: spec.plan ?? 'growth', seats: spec.seats ?? 5 }, url: () => urls.get(spec.domain) ?? '' });
  });
  let oauthUrl = '';
  const context: SandboxContext = { options: resolved, clock, companies, sessions, faults, stats, rateLimits, webhooks, webhookSender, delays, oauthUrl: () => oauthUrl };

  const hostOf = (opts: CompanyChoice = {}): CompanyHost => {
    const domain = opts.company ?? [...companies.keys()][0];
    const host = companies.get(domain);
    if (!host) throw controlError(404, `no company ${domain}`, [{ field: 'company', message: `must be one of ${[...companies.keys()].join(', ')}` }]);
    return host;
  };
  const inCompany = <T>(opts: CompanyChoice | undefined, run: (host: CompanyHost) => T): T => {
    const host = hostOf(opts);
    try {
      return run(host);
    } catch (error) {
      throw asControlError(error);
    }
  };

  const sandbox: PipedriveSandbox = {
    url: '',
    companies: [],
    apiDomain: (company) => hostOf({ company }).url(),
    close: async () => undefined,
    setOptions(partial) {
      const change = optionChangeSchema.safeParse(partial);
      if (change.success && change.data.signInCompany && !companies.has(change.data.signInCompany)) {
        throw controlError(400, 'invalid options', [{ field: 'signInCompany', message: `must be one of ${[...companies.keys()].join(', ')}` }]);
      }
      const changed = changeOptions(resolved, optionChangeSchema, partial);
      if (changed.seed !== undefined) [...companies.values()].forEach((host, index) => host.company.reseed((changed.seed as number) + index * 7919));
    },
    seed: (object, count, opts) => inCompany(opts, ({ company }) => company.seed(object, count, opts)),
    create: (object, values, opts) => inCompany(opts, (host) => host.company.item(host.company.create(object, values, UI_CHANGE(host)))),
    update: (object, id, values, opts) => inCompany(opts, (host) => host.company.item(host.company.update(object, id, values, UI_CHANGE(host)))),
    updateMany: (object, ids, values, opts) => inCompany(opts, (host) => host.company.updateMany(object, ids, values, UI_CHANGE(host)).map((record) => host.company.item(record))),
    delete: (object, id, opts) => inCompany(opts, (host) => host.company.delete(object, id, UI_CHANGE(host))),
    merge: (object, fromId, intoId, opts) => inCompany(opts, (host) => host.company.item(host.company.merge(object, fromId, intoId, UI_CHANGE(host)))),
    purgeDeleted: (opts) => inCompany(opts, ({ company }) => company.purgeExpired(true)),
    advanceClock: (ms) => clock.advance(ms),
    records: (object, opts) => inCompany(opts, ({ company }) => company.records(object, opts)),
    fields: (object, opts) => inCompany(opts, ({ company }) => company.fields.list(object).map(toApiField)),
    addCustomField: (object, spec, opts) => inCompany(opts, ({ company }) => toApiField(company.fields.add(object, spec))),
    issueGrant(opts = {}) {
      const host = hostOf(opts);
      const userId = opts.userId ?? host.company.admin.id;
      if (!host.company.user(userId)) throw controlError(400, `no user ${userId} in ${host.company.domain}`, [{ field: 'userId', message: 'must be a user of the company' }]);
      const { grant, access } = sessions.createGrant(
        { clientId: resolved.clientId, company: host.company.domain, companyId: host.company.id, userId, scopes: opts.scopes ?? [...resolved.appScopes] },
        resolved.accessTokenLifetimeMs,
      );
      const body = tokenBody(context, grant, access);
      return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresIn: body.expires_in, apiDomain: body.api_domain, grantId: grant.id, companyId: host.company.id, userId };
    },
    expireSessions: () => sessions.expireAll(),
    revokeGrant(grantIdOrToken) {
      const grant = sessions.revoke(grantIdOrToken);
      if (!grant) throw controlError(404, 'no grant with that id or token', [{ field: 'grantIdOrToken', message: 'unknown' }]);
      webhooks.removeForGrant(grant.id);
    },
    stats: () => stats.snapshot(Object.fromEntries([...companies.values()].map((host) => [host.company.domain, rateLimits.usage(host.limits)]))),
    resetStats() {
      stats.reset();
      rateLimits.reset();
    },
    faults,
    webhooks: (opts) => webhooks.list(hostOf(opts).company.domain).map(toApiWebhook),
    webhookStats: () => ({ ...webhookSender.stats }),
    webhooksFlushed: () => webhookSender.flushed(),
  };

  const oauthApp = bareApp();
  oauthApp.use('/__sandbox', controlRoutes(sandbox));
  oauthApp.use('/oauth', express.urlencoded({ extended: false, limit: '1mb' }));
  oauthApp.use(tagRequests(oauthKind, stats));
  oauthApp.use(onlyFor('token', faults.middleware()));
  oauthApp.use(oauthRoutes(context));
  oauthApp.use(() => {
    throw oauthError(404, 'not_found', 'Not found');
  });
  oauthApp.use(apiFallbacks);

  const servers = await listenAll(
    [
      { app: oauthApp, where: resolved },
      ...resolved.companies.map((spec) => ({ app: companyApp(context, companies.get(spec.domain) as CompanyHost), where: { host: spec.host ?? '127.0.0.1', port: spec.port ?? 0 } })),
    ],
    delays,
  );
  oauthUrl = servers[0].url;
  resolved.companies.forEach((spec, index) => urls.set(spec.domain, servers[index + 1].url));

  sandbox.url = oauthUrl;
  sandbox.companies = [...companies.values()].map((host) => ({
    domain: host.company.domain,
    id: host.company.id,
    apiDomain: host.url(),
    adminUserId: host.company.admin.id,
    userIds: host.company.users.map((user) => user.id),
  }));
  sandbox.close = async () => {
    await webhookSender.close();
    // Held calls are let go so their sockets can close.
    faults.clear();
    await closeAll(servers);
  };
  return sandbox;
}

/** One company's host: the edge (Cloudflare, retired endpoints), authentication, faults, limits, then the API. */
function companyApp(context: SandboxContext, host: CompanyHost): Express {
  const { faults, stats } = context;
  const app = bareApp();
  app.use('/api', express.json({ limit: '1mb' }), express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(
    tagRequests((req) => {
      const endpoint = classifyApi(req.method, req.path);
      // A list call with a cursor is a next page: `persons.list.next`.
      const kind = endpoint.isList && endpoint.kind.endsWith('.list') && req.query.cursor !== undefined ? `${endpoint.kind}.next` : endpoint.kind;
      return { area: 'data', kind, endpoint };
    }, stats),
  );
  app.use(faults.holdListsMiddleware());
  app.use(edgeRoutes(context, host));
  app.use(authenticate(context, host));
  app.use(faults.failNextRequestsMiddleware());
  app.use(faults.middleware());
  app.use(rateLimited(context, host));
  // Only writes that get past the edge, authentication, the fault knobs and the limits hold their answers; a refused
  // write answers at once, as it changed nothing.
  app.use(faults.holdWriteAnswersMiddleware());
  app.use(dataRoutes(context, host));
  app.use(() => {
    throw apiError(404, 'Unknown method .');
  });
  app.use(cloudflarePages);
  app.use(apiFallbacks);
  return app;
}
