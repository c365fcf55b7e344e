// Starts a fake Zoho CRM: per data centre an accounts server (OAuth) and an API domain (CRM API v8), each its own
// loopback listener, orgs living in one data centre each, and the control API on the first accounts server.
import { Delays } from '../common/delays';
import { controlError } from '../common/errors';
import { closeAll, listenAll } from '../common/http-server';
import { changeOptions, resolveOptions } from '../common/options';
import { accountsApp } from './accounts-app';
import { apiApp } from './api-app';
import { ApiLimits, type LimitName } from './api-limits';
import type { SandboxContext } from './context';
import { controlRoutes } from './control-routes';
import { DataCentre } from './data-centre';
import { formatZohoTime } from './datetime';
import { zohoError } from './errors';
import { Faults } from './faults';
import { MODULES, fieldOf, type ModuleName } from './modules';
import { NotificationChannels } from './notification-channels';
import { NotificationSender } from './notification-sender';
import { accessDenied, authorizationStore, type AuthorizationStores } from './oauth';
import { DEFAULT_OPTIONS, defaultLocale, optionChangeSchema, optionsSchema, type ResolvedOptions, type ZohoSandboxOptions } from './options';
import { Org, type StoredRecord } from './org';
import { PageTokens } from './page-tokens';
import { SEE_ALL, recordJson } from './record-json';
import { checkRecord } from './record-values';
import { SessionStore } from './sessions';
import { StatsRecorder } from './stats';
import type { ZohoRecord, ZohoDataCentreHandle, ZohoOrgHandle, ZohoSandbox } from './handle';

export type { ZohoSandboxOptions, ZohoDataCentreOptions, ZohoOrgOptions } from './options';
export type { ZohoSandboxStats } from './stats';
export type { FaultControls as ZohoFaultControls } from './faults';
export type { ModuleName } from './modules';
export type { ZohoRecord, ZohoDataCentreHandle, ZohoOrgHandle, ZohoGrant, ZohoSandbox } from './handle';

/** The scopes `issueGrant` grants unless told otherwise: everything a CRM sync, write-back and notifications need. */
export const FULL_SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.ALL', 'ZohoCRM.org.READ', 'ZohoCRM.users.READ', 'ZohoCRM.notifications.ALL'];

/** Cross-field checks the schema cannot make: orgs in known data centres, field lists naming real fields. */
function checkConsistency(options: ResolvedOptions, fail: (field: string, message: string) => never): void {
  const locations = new Set(options.dataCentres.map((dc) => dc.location));
  options.orgs.forEach((org, index) => {
    if (!locations.has(org.location)) fail(`orgs.${index}.location`, `must be one of ${[...locations].join(', ')}`);
  });
  if (options.signInAs && !options.orgs.some((org) => org.name === options.signInAs)) fail('signInAs', `must be one of ${options.orgs.map((o) => o.name).join(', ')}`);
  for (const list of ['uniqueFields', 'hiddenFields'] as const) {
    for (const module of MODULES) {
      for (const apiName of options[list][module] ?? []) if (!fieldOf(module, apiName)) fail(`${list}.${module}`, `${apiName} is not a ${module} field`);
    }
  }
}

export async function startZohoSandbox(options: ZohoSandboxOptions = {}): Promise<ZohoSandbox> {
  const resolved = resolveOptions(optionsSchema, DEFAULT_OPTIONS, options);
  checkConsistency(resolved, (field, message) => {
    throw new Error(`invalid sandbox options: ${field}: ${message}`);
  });
  const delays = new Delays();
  const stats = new StatsRecorder();
  const sessions = new SessionStore(() => resolved);
  const limits = new ApiLimits(() => resolved);
  const pageTokens = new PageTokens();
  const dataCentres = resolved.dataCentres.map((spec) => new DataCentre(spec.location));
  const dataCentreOf = (org: Org) => dataCentres.find((dc) => dc.location === org.location)!;
  const sender = new NotificationSender(() => resolved.notificationBatchSize);
  const channels = new NotificationChannels(sender, (org) => dataCentreOf(org).apiUrl);
  const orgs = resolved.orgs.map((spec, index) => {
    const locale = defaultLocale(spec.location);
    return new Org(spec.name, spec.location, spec.utcOffsetMinutes ?? locale.minutes, spec.timeZone ?? locale.timeZone, resolved.seed * 1009 + index * 7919, (org, change) => channels.changed(org, change));
  });
  const orgByName = (name: string) => orgs.find((org) => org.name === name);

  const throttled = (limit: LimitName, org?: Org) => {
    stats.refused(limit);
    const messages: Record<LimitName, string> = {
      concurrency: 'too many concurrent requests for the organization',
      subConcurrency: 'too many concurrent requests of this kind for the organization',
      credits: 'the API credits of the organization are exhausted for the 24-hour window',
    };
    const retryAfter = resolved.throttleRetryAfterSeconds;
    const seconds = limit === 'credits' && org ? limits.secondsUntilCreditsFree(org.name) : retryAfter;
    return zohoError(resolved.throttleStatus, resolved.throttleCode, messages[limit], {}, retryAfter > 0 ? { 'Retry-After': String(seconds) } : {});
  };
  const faults = new Faults(delays, (limit) => throttled(limit), () => pageTokens.expireAll(), () => accessDenied(resolved.accessDeniedStatus));
  const context: SandboxContext = {
    options: resolved,
    dataCentres,
    orgs,
    sessions,
    stats,
    limits,
    pageTokens,
    channels,
    delays,
    faults,
    orgByName,
    throttled,
  };

  const truth = (org: Org, module: ModuleName, record: StoredRecord): ZohoRecord => recordJson(org, module, record, null, SEE_ALL);
  const checked = (org: Org, module: ModuleName, values: Record<string, unknown>, insert: boolean) => {
    const outcome = checkRecord(values, { module, index: 0, insert, unknownFields: 'error', exists: (target, id) => org.exists(target, id) });
    if (!outcome.ok) {
      const fields = outcome.problems.map((p) => ({ field: String(p.details.api_name ?? '(body)'), message: `${p.code}: ${p.message}` }));
      throw controlError(400, `invalid values: ${fields.map((f) => f.field).join(', ')}`, fields);
    }
    return outcome.values;
  };
  const orgHandles: ZohoOrgHandle[] = orgs.map((org) => ({
    name: org.name,
    location: org.location,
    orgId: org.orgId,
    userId: org.user.id,
    zuid: org.user.zuid,
    email: org.user.email,
    utcOffsetMinutes: org.offsetMinutes,
    get accountsServer() {
      return dataCentreOf(org).accountsUrl;
    },
    get apiDomain() {
      return dataCentreOf(org).apiUrl;
    },
    seed: (module, count, opts) => org.seed(module, count, opts),
    create: (module, values) => truth(org, module, org.create(module, checked(org, module, values, true))),
    update: (module, id, values) => truth(org, module, org.update(module, id, checked(org, module, values, false))),
    updateMany: (module, ids, values, opts) => org.updateMany(module, ids, checked(org, module, values, false), opts).map((record) => truth(org, module, record)),
    importNow: (module, count, opts) => org.importNow(module, count, opts),
    delete: (module, id, opts) => org.delete(module, id, opts),
    emptyRecycleBin: (module) => org.emptyRecycleBin(module),
    records: (module) => org.sortedRecords(module).map((record) => truth(org, module, record)),
    deleted: (module) => org.tombstones(module).map((t) => ({ id: t.id, display_name: t.displayName, type: t.type, deleted_time: formatZohoTime(t.deletedSec, org.offsetMinutes) })),
    advanceClock: (ms) => org.clock.advance(ms),
    tokens: () => sessions.holdings(org.name, resolved.clientId),
  }));
  const dataCentreHandles: ZohoDataCentreHandle[] = dataCentres.map((dc) => ({
    location: dc.location,
    get accountsUrl() {
      return dc.accountsUrl;
    },
    get apiUrl() {
      return dc.apiUrl;
    },
  }));

  const sandbox: ZohoSandbox = {
    url: '',
    get clientId() {
      return resolved.clientId;
    },
    get clientSecret() {
      return resolved.clientSecret;
    },
    dataCentres: dataCentreHandles,
    dataCentre(location) {
      const found = dataCentreHandles.find((dc) => dc.location === location);
      if (!found) throw controlError(404, `no data centre ${location}`, [{ field: 'location', message: `must be one of ${dataCentreHandles.map((dc) => dc.location).join(', ')}` }]);
      return found;
    },
    orgs: orgHandles,
    org(name) {
      const found = name === undefined ? orgHandles[0] : orgHandles.find((handle) => handle.name === name);
      if (!found) throw controlError(404, `no org named ${String(name)}`, [{ field: 'org', message: `must be one of ${orgHandles.map((o) => o.name).join(', ')}` }]);
      return found;
    },
    close: async () => undefined,
    setOptions(partial) {
      const candidate = { ...resolved, ...(optionChangeSchema.safeParse(partial).data ?? {}) } as ResolvedOptions;
      checkConsistency(candidate, (field, message) => {
        throw controlError(400, 'invalid options', [{ field, message }]);
      });
      const changed = changeOptions(resolved, optionChangeSchema, partial);
      if (changed.seed !== undefined) orgs.forEach((org, index) => org.reseed(changed.seed! * 1009 + index * 7919));
    },
    seed: (module, count, opts) => orgHandles[0].seed(module, count, opts),
    issueGrant(opts = {}) {
      const handle = sandbox.org(opts.org);
      const org = orgByName(handle.name)!;
      const dc = dataCentreOf(org);
      const { access, refreshToken } = sessions.consent({ org: org.name, clientId: resolved.clientId, scopes: opts.scopes ?? FULL_SCOPES, location: org.location, accessMs: resolved.accessTokenLifetimeMs });
      return { accessToken: access.token, refreshToken: refreshToken.token, refreshTokenId: refreshToken.id, expiresIn: Math.round(resolved.accessTokenLifetimeMs / 1000), apiDomain: dc.apiUrl, accountsServer: dc.accountsUrl, location: dc.location, orgId: org.orgId };
    },
    expireSessions: () => sessions.expireAccessTokens(),
    revokeGrant(token) {
      if (!sessions.revoke(token)) throw controlError(404, 'no live refresh token with that token or id', [{ field: 'token', message: 'unknown' }]);
    },
    stats: () => stats.snapshot(limits.creditsUsed()),
    resetStats: () => stats.reset(),
    faults,
    notificationStats: () => ({ ...sender.stats }),
    notificationsFlushed: () => sender.flushed(),
  };

  const stores: AuthorizationStores = new Map(dataCentres.map((dc) => [dc.location, authorizationStore(resolved.codeLifetimeMs)]));
  // Per data centre its accounts server, then its API domain; the first accounts server also serves the control API.
  const servers = await listenAll(
    dataCentres.flatMap((dc, index) => {
      const spec = resolved.dataCentres[index];
      const host = spec.host ?? resolved.host;
      return [
        { app: accountsApp(context, dc, stores, index === 0 ? controlRoutes(sandbox) : null), where: { port: spec.accountsPort ?? 0, host } },
        { app: apiApp(context, dc), where: { port: spec.apiPort ?? 0, host } },
      ];
    }),
    delays,
  );
  dataCentres.forEach((dc, index) => {
    dc.accountsUrl = servers[2 * index].url;
    dc.apiUrl = servers[2 * index + 1].url;
  });
  sandbox.url = dataCentres[0].accountsUrl;
  sandbox.close = async () => {
    await sender.close();
    await closeAll(servers);
  };
  return sandbox;
}
