// Assembles the Express app from its dependencies; main.ts and the tests both build it here.
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { ProviderCatalog } from '../providers/catalog';
import type { Store } from '../store/store';
import type { ConnectionWorkflows } from './connection-workflows';
import { errorHandler, notFoundHandler } from './error-handler';
import { requireSecretKey } from './require-secret-key';
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

export interface AppDependencies {
  db: Db;
  store: Store;
  catalog: ProviderCatalog;
  temporal: Client;
  workflows: ConnectionWorkflows;
  secretKey: string;
  logger: Logger;
  /** Where browsers reach this API (TRIBUTARY_PUBLIC_URL): the connect URLs and the OAuth redirect URI start with it. */
  publicUrl: string;
  /** Lifetimes of connect tokens and OAuth states, and the clock they are judged by; tests shorten or move them. */
  connectFlow?: Partial<Omit<ConnectFlowSettings, 'publicUrl'>>;
  /** Byte limit, refresh wait and retries of `/proxy`; tests shorten them. */
  proxy?: Partial<ProxySettings>;
  /** How provider notifications are coalesced into sync requests; tests shorten the window. */
  providerWebhooks?: Partial<ProviderWebhookSettings>;
  /** How long an action request waits for the outcome before answering 202. */
  actions?: Partial<ActionSettings>;
}

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // no nested objects from query strings: ?a[$ne]=1 stays a plain string
  const proxySettings = { ...DEFAULT_PROXY_SETTINGS, ...deps.proxy };
  const proxy = new ProxyUseCases(deps.store, deps.catalog, deps.workflows, proxySettings, deps.logger);
  // Before the JSON parser: the proxy forwards bodies byte for byte.
  app.use('/proxy', requireSecretKey(deps.secretKey), proxyRoutes(proxy, proxySettings.maxBodyBytes));
  // Public: HubSpot signs its webhooks with the app's client secret; Salesforce's must name a connected org.
  const providerWebhooks = new ProviderWebhookUseCases(
    deps.store,
    deps.catalog,
    deps.workflows,
    { ...DEFAULT_PROVIDER_WEBHOOK_SETTINGS, ...deps.providerWebhooks },
    deps.publicUrl,
    deps.logger,
  );
  app.use(providerWebhookRoutes(providerWebhooks));
  app.use(express.json({ limit: '256kb' }));
  app.use(healthRoutes(deps.db, deps.temporal));
  app.use(openApiRoutes());
  const connections = new ConnectionUseCases(deps.store, deps.catalog, deps.workflows);
  const connect = new ConnectUseCases(
    deps.store,
    deps.catalog,
    connections,
    deps.workflows,
    { ...DEFAULT_CONNECT_FLOW_TIMING, ...deps.connectFlow, publicUrl: deps.publicUrl },
    deps.logger,
  );
  // The browser routes are public: a connect token or a state authorises them, never the secret key.
  app.use(oauthRoutes(connect, deps.publicUrl, deps.logger));
  app.use(requireSecretKey(deps.secretKey));
  app.use(integrationRoutes(deps.store, deps.catalog));
  app.use(connectSessionRoutes(connect));
  app.use(connectionRoutes(connections, deps.store));
  app.use(actionRoutes(new ActionUseCases(deps.store, deps.catalog, deps.workflows, { ...DEFAULT_ACTION_SETTINGS, ...deps.actions })));
  app.use(recordRoutes(deps.store));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
