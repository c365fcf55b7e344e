// Assembles the Express app from its dependencies; main.ts and the tests both build it here.
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { ProviderCatalog } from '../providers/catalog';
import type { Store } from '../store/store';
import type { ConnectionWorkflows } from './connection-workflows';
import { errorHandler, notFoundHandler } from './error-handler';
import { methodNotAllowedHandler } from './method-not-allowed';
import { requireSecretKey } from './require-secret-key';
import { connectSessionRoutes } from './routes/connect-sessions';
import { connectionRoutes } from './routes/connections';
import { healthRoutes } from './routes/health';
import { integrationRoutes } from './routes/integrations';
import { oauthRoutes } from './routes/oauth';
import { openApiRoutes } from './routes/openapi';
import { recordRoutes } from './routes/records';
import { ConnectUseCases, DEFAULT_CONNECT_FLOW_TIMING, type ConnectFlowSettings } from './use-cases/connect';
import { ConnectionUseCases } from './use-cases/connections';

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
  /** The app's name on the connect screen (TRIBUTARY_APP_NAME). */
  appName?: string;
  /** Lifetimes of connect tokens and OAuth states, and the clock they are judged by; tests shorten or move them. */
  connectFlow?: Partial<Omit<ConnectFlowSettings, 'publicUrl' | 'appName'>>;
}

const DEFAULT_APP_NAME = 'Tributary';

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // no nested objects from query strings: ?a[$ne]=1 stays a plain string
  app.use(express.json({ limit: '256kb' }));
  // Before the secret key: which methods a path takes is in the public document anyway.
  app.use(methodNotAllowedHandler());
  app.use(healthRoutes(deps.db, deps.temporal));
  app.use(openApiRoutes());
  const appName = deps.appName ?? DEFAULT_APP_NAME;
  const connections = new ConnectionUseCases(deps.store, deps.catalog, deps.workflows);
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
  app.use(requireSecretKey(deps.secretKey));
  app.use(integrationRoutes(deps.store, deps.catalog));
  app.use(connectSessionRoutes(connect));
  app.use(connectionRoutes(connections, deps.store));
  app.use(recordRoutes(deps.store));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
