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
import { connectionRoutes } from './routes/connections';
import { healthRoutes } from './routes/health';
import { integrationRoutes } from './routes/integrations';
import { openApiRoutes } from './routes/openapi';
import { recordRoutes } from './routes/records';
import { ConnectionUseCases } from './use-cases/connections';

export interface AppDependencies {
  db: Db;
  store: Store;
  catalog: ProviderCatalog;
  temporal: Client;
  workflows: ConnectionWorkflows;
  secretKey: string;
  logger: Logger;
}

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // no nested objects from query strings: ?a[$ne]=1 stays a plain string
  app.use(express.json({ limit: '256kb' }));
  app.use(healthRoutes(deps.db, deps.temporal));
  app.use(openApiRoutes());
  app.use(requireSecretKey(deps.secretKey));
  app.use(integrationRoutes(deps.store, deps.catalog));
  app.use(connectionRoutes(new ConnectionUseCases(deps.store, deps.catalog, deps.workflows), deps.store));
  app.use(recordRoutes(deps.store));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
