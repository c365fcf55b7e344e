// Sends a webhook service endpoint's notifications: one POST per change, the RemoteExecutionContext of the
// Create/Update/Delete step as JSON, the x-ms-dynamics-* headers and the shared key we registered (no signature).
import { randomUUID } from 'node:crypto';
import { NotificationQueue } from '../common/notification-queue';
import type { Environment, RowChange } from './environment';
import type { ResolvedOptions } from './options';
import { TABLES } from './tables';

interface Notification {
  organization: string;
  body: Record<string, unknown>;
  entityName: string;
  message: string;
  correlationId: string;
}

const CONTRACTS = 'http://schemas.microsoft.com/xrm/2011/Contracts';
/** Dates in the execution context are WCF JSON dates. */
const wcfDate = (ms: number) => `/Date(${ms})/`;

export function remoteExecutionContext(environment: Environment, change: RowChange, correlationId: string): Record<string, unknown> {
  const logicalName = TABLES[change.entitySet].logicalName;
  const attributes = Object.entries(change.values).map(([key, value]) => ({ key: key.replace(/^_(.*)_value$/, '$1'), value }));
  const target =
    change.message === 'Delete'
      ? { __type: `EntityReference:${CONTRACTS}`, Id: change.id, KeyAttributes: [], LogicalName: logicalName, Name: null, RowVersion: null }
      : { __type: `Entity:${CONTRACTS}`, Attributes: attributes, EntityState: null, FormattedValues: [], Id: change.id, KeyAttributes: [], LogicalName: logicalName, RelatedEntities: [], RowVersion: null };
  return {
    BusinessUnitId: environment.businessUnitId,
    CorrelationId: correlationId,
    Depth: 1,
    InitiatingUserId: environment.userId,
    InputParameters: [{ key: 'Target', value: target }],
    IsExecutingOffline: false,
    IsInTransaction: false,
    IsOfflinePlayback: false,
    IsolationMode: 1,
    MessageName: change.message,
    Mode: 1,
    OperationCreatedOn: wcfDate(environment.clock.now()),
    OperationId: randomUUID(),
    OrganizationId: environment.organizationId,
    OrganizationName: environment.name,
    OutputParameters: change.message === 'Create' ? [{ key: 'id', value: change.id }] : [],
    OwningExtension: { Id: randomUUID(), KeyAttributes: [], LogicalName: 'sdkmessageprocessingstep', Name: `Tributary webhook: ${change.message} of ${logicalName}`, RowVersion: null },
    ParentContext: null,
    PostEntityImages: [],
    PreEntityImages: [],
    PrimaryEntityId: change.id,
    PrimaryEntityName: logicalName,
    RequestId: randomUUID(),
    SecondaryEntityName: 'none',
    SharedVariables: [],
    Stage: 40,
    UserId: environment.userId,
  };
}

export class DynamicsWebhookSender {
  private readonly queue: NotificationQueue<Notification>;

  constructor(private readonly options: ResolvedOptions) {
    this.queue = new NotificationQueue(1, ([notification]) => this.deliver(notification));
  }

  get stats() {
    return this.queue.stats;
  }

  changed(environment: Environment, change: RowChange): void {
    if (!this.options.webhookUrl) return;
    const correlationId = randomUUID();
    this.queue.push({
      organization: new URL(environment.url).host,
      body: remoteExecutionContext(environment, change, correlationId),
      entityName: TABLES[change.entitySet].logicalName,
      message: change.message.toLowerCase(),
      correlationId,
    });
  }

  flushed(): Promise<void> {
    return this.queue.flushed();
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private async deliver(notification: Notification): Promise<boolean> {
    const answer = await fetch(this.options.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-ms-dynamics-organization': notification.organization,
        'x-ms-dynamics-entity-name': notification.entityName,
        'x-ms-dynamics-request-name': notification.message,
        'x-ms-correlation-request-id': notification.correlationId,
        ...this.options.webhookHeaders,
      },
      body: JSON.stringify(notification.body),
      // Dataverse waits 60 s for a webhook's answer.
      signal: AbortSignal.timeout(60_000),
    });
    await answer.arrayBuffer();
    return answer.ok;
  }
}
