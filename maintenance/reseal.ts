// `npm run reseal`: re-encrypts every stored credential and client secret under the first TRIBUTARY_ENCRYPTION_KEYS key.
import { databaseSettings, encryptionSettings, parseSettings } from '../config/shared-settings';
import { createLogger } from '../observability/logger';
import { CredentialCipher } from '../security/credential-cipher';
import { openDatabase } from '../store/database';
import { createStore, type Store } from '../store/store';

export interface ResealReport {
  integrations: number;
  connections: number;
  /** Records no configured key opens, by id (never their contents): left as they were, each needs attention. */
  unopenable: { integrations: string[]; connections: string[] };
}

/**
 * After this, no connection or integration needs any key but the first: the others can be removed, unless
 * `unopenable` names records, which were sealed under a key that is no longer configured (or were damaged): the
 * rest is resealed all the same, so one lost key never holds back the others.
 */
export async function resealAll(store: Store): Promise<ResealReport> {
  const integrations = await store.integrations.resealStale();
  const connections = await store.connections.resealStale();
  return {
    integrations: integrations.resealed,
    connections: connections.resealed,
    unopenable: { integrations: integrations.unopenable, connections: connections.unopenable },
  };
}

async function main(): Promise<number> {
  const logger = createLogger('reseal');
  const config = parseSettings({ ...databaseSettings, ...encryptionSettings });
  const database = await openDatabase(config.MONGODB_URI, config.MONGODB_DB);
  try {
    const cipher = new CredentialCipher(config.TRIBUTARY_ENCRYPTION_KEYS);
    const report = await resealAll(createStore(database.db, cipher));
    const { integrations, connections, unopenable } = report;
    logger.info({ integrations, connections, keyId: cipher.currentKeyId }, 'resealed everything sealed under an older key that a configured key opens');
    if (unopenable.integrations.length + unopenable.connections.length === 0) return 0;
    // Ids only: an operator restores the missing key (and reseals again), or reconnects these connections and
    // re-registers these integrations' client secrets.
    logger.error(unopenable, 'some records could not be opened with any configured key; they were left as they are');
    return 1;
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
