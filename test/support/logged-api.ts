// A second API process over a test stack's database and Temporal, whose log lines a test reads: to prove that what it
// logs, for any request right or wrong, holds no secret.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../api/app';
import { ConnectionWorkflows } from '../../api/connection-workflows';
import { createProcessRegistry } from '../../observability/metrics';
import { providerCatalog } from '../../providers/catalog';
import type { TestStack } from './test-stack';

export interface LoggedApi {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** Every line it logged so far, at debug level and up. */
  lines: string[];
  close(): Promise<void>;
}

/** Listens on loopback with `adminKey` as its one (admin) key; close it when done. */
export async function startLoggedApi(stack: TestStack, adminKey: string): Promise<LoggedApi> {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const app = createApp({
    db: stack.database.db,
    store: stack.store,
    catalog: providerCatalog.withUrlPolicy({ allowLoopback: true }),
    temporal: stack.temporal,
    workflows: new ConnectionWorkflows(stack.temporal, stack.taskQueue, {
      heartbeatTimeoutMs: 10_000, sliceTimeoutMs: 60_000, refreshRetryForMs: 30_000, webhookRetryForMs: 60_000, continueAsNewAfterEvents: 10_000,
    }),
    secretKeys: [{ name: 'log-test', key: adminKey }],
    logger,
    registry: createProcessRegistry(),
    publicUrl: stack.apiUrl,
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lines,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
