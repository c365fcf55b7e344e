// Assembles the Express app from its dependencies; main.ts and the tests both build it here.
import type { Client } from '@temporalio/client';
import express, { type Express, type RequestHandler } from 'express';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { httpRequestMetrics } from '../observability/http-metrics';
import { ProviderWebhookMetrics, createProcessRegistry } from '../observability/metrics';
import type { ProviderCatalog } from '../providers/catalog';
import type { Store } from '../store/store';
import { ConnectionHealthReader, type HealthThresholds } from './connection-health';
import type { ConnectionWorkflows } from './connection-workflows';
import { errorHandler, notFoundHandler } from './error-handler';
import { methodNotAllowedHandler } from './method-not-allowed';
import type { NamedSecretKey } from '../security/secret-key';
import { authenticate, requireScope } from './authentication';
import { ConnectionDirectory } from './console/connection-directory';
import { ConsoleSessions } from './console/console-sessions';
import { RunStatistics } from './console/run-statistics';
import { ConnectionEvents } from './connection-events';
import { logRoutes } from './routes/logs';
import { statsRoutes } from './routes/stats';
import { consoleStaticRoutes } from './console/console-static';
import { consoleSessionRoutes } from './routes/console-session';
import { actionRoutes } from './routes/actions';
import { connectSessionRoutes } from './routes/connect-sessions';
import { connectionRoutes } from './routes/connections';
import { healthRoutes } from './routes/health';
import { integrationRoutes } from './routes/integrations';
import { oauthRoutes } from './routes/oauth';
import { openApiRoutes } from './routes/openapi';
import { providerWebhookRoutes } from './routes/provider-webhooks';
import { proxyRoutes } from './routes/proxy';
import { recordRoutes } from './routes/records';
import { ActionUseCases, DEFAULT_ACTION_SETTINGS, type ActionSettings } from './use-cases/actions';
import { ConnectUseCases, DEFAULT_CONNECT_FLOW_TIMING, type ConnectFlowSettings } from './use-cases/connect';
import { ConnectionUseCases } from './use-cases/connections';
import { DEFAULT_PROVIDER_WEBHOOK_SETTINGS, ProviderWebhookUseCases, type ProviderWebhookSettings } from './use-cases/provider-webhooks';
import { DEFAULT_PROXY_SETTINGS, ProxyUseCases, type ProxySettings } from './use-cases/proxy';
import { RecordsUseCases } from './use-cases/records';

export interface AppDependencies {
  db: Db;
  store: Store;
  catalog: ProviderCatalog;
  temporal: Client;
  workflows: ConnectionWorkflows;
  /** The API keys clients may send; request logs name the one used. */
  secretKeys: NamedSecretKey[];
  logger: Logger;
  /** True when /readyz and /metrics are served on the internal port (createInternalApp) and not on this one. */
  probesOnInternalPort?: boolean;
  /** Where browsers reach this API (TRIBUTARY_PUBLIC_URL): the connect URLs and the OAuth redirect URI start with it. */
  publicUrl: string;
  /** The app's name on the connect screen (TRIBUTARY_APP_NAME). */
  appName?: string;
  /** Lifetimes of connect tokens and OAuth states, and the clock they are judged by; tests shorten or move them. */
  connectFlow?: Partial<Omit<ConnectFlowSettings, 'publicUrl' | 'appName'>>;
  /** What /metrics serves; main.ts passes the one its health scan writes to. Default: a fresh process registry. */
  registry?: Registry;
  /** How long DELETE waits for the connection's workflow to stop its runs before terminating it; default 30 s. */
  deleteWaitMs?: number;
  /** When a connection counts as stuck; default DEFAULT_HEALTH_THRESHOLDS. */
  healthThresholds?: HealthThresholds;
  /** Byte limit, refresh wait and retries of `/proxy`; tests shorten them. */
  proxy?: Partial<ProxySettings>;
  /** How provider notifications are coalesced into sync requests; tests shorten the window. */
  providerWebhooks?: Partial<ProviderWebhookSettings>;
  /** How long an action request waits for the outcome before answering 202. */
  actions?: Partial<ActionSettings>;
  /** The console's build output served at /console (index.html, assets/); default console/dist. */
  consoleDir?: string;
  /** What lists and the overview read; main.ts shares its own with the health scan. Default: one of the app's own. */
  directory?: ConnectionDirectory;
  /** The Temporal UI (TRIBUTARY_TEMPORAL_UI_URL) connection views link to; null: no link. Default the dev server's. */
  temporalUiUrl?: string | null;
}

export const DEFAULT_TEMPORAL_UI_URL = 'http://127.0.0.1:8233';

const DEFAULT_APP_NAME = 'Tributary';

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // no nested objects from query strings: ?a[$ne]=1 stays a plain string
  const registry = deps.registry ?? createProcessRegistry();
  // First, so every request is counted, including those the body parser or the secret key turn away.
  app.use(httpRequestMetrics(registry));
  app.use(requestLog(deps.logger));
  const proxySettings = { ...DEFAULT_PROXY_SETTINGS, ...deps.proxy };
  const proxy = new ProxyUseCases(deps.store, deps.catalog, deps.workflows, proxySettings, deps.logger);
  const consoleSessions = new ConsoleSessions(deps.store, deps.secretKeys, deps.publicUrl);
  const authenticated = authenticate(deps.secretKeys, consoleSessions);
  // Before the JSON parser: the proxy forwards bodies byte for byte (its routes read them raw). Admin only, whatever the
  // method: it acts with the customer's token, and whether a provider request changes anything is the provider's business.
  app.use('/proxy', authenticated, requireScope());
  app.use(proxyRoutes(proxy, proxySettings.maxBodyBytes));
  // Public: HubSpot signs its webhooks with the app's client secret; Salesforce's URL carries the integration's secret.
  const providerWebhooks = new ProviderWebhookUseCases(
    deps.store,
    deps.catalog,
    deps.workflows,
    { ...DEFAULT_PROVIDER_WEBHOOK_SETTINGS, ...deps.providerWebhooks },
    deps.publicUrl,
    deps.logger,
    new ProviderWebhookMetrics(registry),
  );
  app.use(providerWebhookRoutes(providerWebhooks, deps.logger));
  // Before the secret key: which methods a path takes is in the public document anyway. Before the JSON parser: a
  // method a path does not take is a 405 whatever its body.
  app.use(methodNotAllowedHandler());
  app.use(express.json({ limit: '256kb' }));
  app.use(healthRoutes(deps.db, deps.temporal, { probes: !deps.probesOnInternalPort, registry }));
  app.use(openApiRoutes(deps.catalog));
  const appName = deps.appName ?? DEFAULT_APP_NAME;
  const directory = deps.directory ?? new ConnectionDirectory(() => deps.store.connections.scanAll());
  const uiBase = deps.temporalUiUrl === undefined ? DEFAULT_TEMPORAL_UI_URL : deps.temporalUiUrl;
  const links = {
    workflowId: (connectionId: string) => deps.workflows.workflowId(connectionId),
    temporalUiUrl: (connectionId: string) =>
      uiBase === null
        ? null
        : `${uiBase.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(deps.temporal.options.namespace)}/workflows/${encodeURIComponent(deps.workflows.workflowId(connectionId))}`,
  };
  const connections = new ConnectionUseCases(
    deps.store,
    deps.catalog,
    deps.workflows,
    new ConnectionHealthReader(deps.temporal, deps.healthThresholds),
    deps.deleteWaitMs,
    new ConnectionEvents(deps.store, deps.logger, directory),
    links,
    directory,
  );
  const connect = new ConnectUseCases(
    deps.store,
    deps.catalog,
    connections,
    deps.workflows,
    { ...DEFAULT_CONNECT_FLOW_TIMING, ...deps.connectFlow, publicUrl: deps.publicUrl, appName },
    deps.logger,
  );
  // The browser routes are public: a connect token or a state authorises them, never the secret key.
  app.use(oauthRoutes(connect, deps.publicUrl, appName, deps.logger));
  // The console: its sign-in (a key in the body or the session cookie authorise these) and its static pages.
  app.use(consoleSessionRoutes(consoleSessions));
  app.use(consoleStaticRoutes(deps.consoleDir));
  app.use(authenticated, requireScope());
  app.use(integrationRoutes(deps.store, deps.catalog, deps.publicUrl, async () => countByIntegration(await directory.all())));
  app.use(connectSessionRoutes(connect));
  app.use(connectionRoutes(connections, deps.store));
  app.use(actionRoutes(new ActionUseCases(deps.store, deps.catalog, deps.workflows, { ...DEFAULT_ACTION_SETTINGS, ...deps.actions }), deps.store));
  app.use(recordRoutes(new RecordsUseCases(deps.store, deps.catalog)));
  app.use(statsRoutes({ directory, statistics: new RunStatistics(deps.store), store: deps.store }));
  app.use(logRoutes(deps.store));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}

/** The internal port's app: /healthz, /readyz and /metrics, for orchestrators and scrapers that never face the internet. */
export function createInternalApp(deps: Pick<AppDependencies, 'db' | 'temporal' | 'logger' | 'registry'>): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(deps.db, deps.temporal, { registry: deps.registry }));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}

/**
 * One line per request: the route's pattern (never the path, which may hold one-time tokens), the status, and the
 * name of the secret key used (never the key).
 */
function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = Date.now();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      logger.info(
        { method: req.method, route: route ?? null, status: res.statusCode, secretKeyName: (res.locals.secretKeyName as string | undefined) ?? null, ms: Date.now() - startedAt },
        'request',
      );
    });
    next();
  };
}

function countByIntegration(entries: Iterable<{ integration: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { integration } of entries) counts.set(integration, (counts.get(integration) ?? 0) + 1);
  return counts;
}
