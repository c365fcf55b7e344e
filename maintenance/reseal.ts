// `npm run reseal`: re-encrypts every stored credential and client secret under the first TRIBUTARY_ENCRYPTION_KEYS key.
import { databaseSettings, encryptionSettings, parseSettings } from '../config/shared-settings';
import { createLogger } from '../observability/logger';
import { CredentialCipher } from '../security/credential-cipher';
import { openDatabase } from '../store/database';
import { createStore, type Store } from '../store/store';

/** After this, no connection or integration needs any key but the first: the others can be removed. */
export async function resealAll(store: Store): Promise<{ integrations: number; connections: number }> {
  const integrations = await store.integrations.resealStale();
  const connections = await store.connections.resealStale();
  return { integrations, connections };
}

async function main(): Promise<void> {
  const logger = createLogger('reseal');
  const config = parseSettings({ ...databaseSettings, ...encryptionSettings });
  const database = await openDatabase(config.MONGODB_URI, config.MONGODB_DB);
  try {
    const cipher = new CredentialCipher(config.TRIBUTARY_ENCRYPTION_KEYS);
    const counts = await resealAll(createStore(database.db, cipher));
    logger.info({ ...counts, keyId: cipher.currentKeyId }, 'resealed everything sealed under an older key');
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
