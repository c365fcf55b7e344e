// The API process: parses its config, composes the API (api/compose.ts) and serves HTTP until SIGINT/SIGTERM.
import type { AddressInfo } from 'node:net';
import { createLogger } from '../observability/logger';
import { composeApi } from './compose';
import { parseApiConfig } from './config';

async function main(): Promise<void> {
  const logger = createLogger('api');
  const config = parseApiConfig();
  const api = await composeApi(config, { logger });
  logger.info({ secretKeys: config.secretKeys.map((k) => k.name) }, 'api secret keys loaded');
  const server = api.app.listen(config.PORT, config.HOST, () => {
    logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'api listening');
  });
  const internalPort = config.TRIBUTARY_API_INTERNAL_PORT;
  const internal = api.internalApp && internalPort !== undefined ? api.internalApp.listen(internalPort, config.TRIBUTARY_API_INTERNAL_HOST) : null;
  internal?.on('listening', () => {
    const { port } = internal.address() as AddressInfo;
    logger.info({ url: `http://${config.TRIBUTARY_API_INTERNAL_HOST}:${port}` }, 'api internal port (readyz, metrics) listening');
  });

  const stop = () => {
    logger.info('api stopping');
    internal?.close();
    server.close(() => {
      void api.close().finally(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
