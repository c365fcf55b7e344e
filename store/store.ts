// Bundles the repositories over one database, so processes wire the store once and pass it down.
import type { Db } from 'mongodb';
import type { CredentialCipher } from '../security/credential-cipher';
import { ActionRepository } from './actions';
import { ConnectSessionRepository } from './connect-sessions';
import { COLLECTIONS } from './database';
import { ConsoleSessionRepository } from './console-sessions';
import { EventLogRepository } from './event-log';
import { EventLogRollupRepository } from './event-log-rollups';
import { ConnectionRepository } from './connections';
import { IntegrationRepository } from './integrations';
import { OAuthStateRepository } from './oauth-states';
import { ProviderNotificationRepository } from './provider-notifications';
import { RecordRepository } from './records';
import { ReportedDeleteRepository } from './reported-deletes';
import { SyncRunRepository } from './sync-runs';
import { SyncTriggerRepository } from './sync-triggers';
import { WebhookDeliveryRepository } from './webhook-deliveries';
import { WriteLeases } from './write-leases';

/** A create or delete holds its connection's lock at most this long if its process dies holding it. */
const CONNECTION_LOCK_LEASE_MS = 60_000;

export interface Store {
  integrations: IntegrationRepository;
  connections: ConnectionRepository;
  /** Held by a connection's create, delete or re-authorisation, so no two of them interleave, across API processes too. */
  connectionLocks: WriteLeases;
  records: RecordRepository;
  runs: SyncRunRepository;
  webhookDeliveries: WebhookDeliveryRepository;
  connectSessions: ConnectSessionRepository;
  oauthStates: OAuthStateRepository;
  syncTriggers: SyncTriggerRepository;
  providerNotifications: ProviderNotificationRepository;
  reportedDeletes: ReportedDeleteRepository;
  actions: ActionRepository;
  consoleSessions: ConsoleSessionRepository;
  events: EventLogRepository;
  eventRollups: EventLogRollupRepository;
}

export function createStore(db: Db, cipher: CredentialCipher): Store {
  return {
    integrations: new IntegrationRepository(db, cipher),
    connections: new ConnectionRepository(db, cipher),
    connectionLocks: new WriteLeases(db, COLLECTIONS.connectionLocks, CONNECTION_LOCK_LEASE_MS),
    records: new RecordRepository(db),
    runs: new SyncRunRepository(db),
    webhookDeliveries: new WebhookDeliveryRepository(db),
    connectSessions: new ConnectSessionRepository(db),
    oauthStates: new OAuthStateRepository(db, cipher),
    syncTriggers: new SyncTriggerRepository(db),
    providerNotifications: new ProviderNotificationRepository(db),
    reportedDeletes: new ReportedDeleteRepository(db),
    actions: new ActionRepository(db),
    consoleSessions: new ConsoleSessionRepository(db),
    events: new EventLogRepository(db),
    eventRollups: new EventLogRollupRepository(db),
  };
}
