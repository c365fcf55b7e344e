// The provider webhooks' story: check the notification is authentic, find its connections and models, sync them soon.
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import type { ProviderCatalog } from '../../providers/catalog';
import { hubSpotSignatureProblem } from '../../security/hubspot-webhook-signature';
import type { Store } from '../../store/store';
import type { ConnectionWorkflows } from '../connection-workflows';
import { outboundMessageAck, parseOutboundMessage } from '../provider-webhooks/salesforce-outbound-message';

export interface ProviderWebhookSettings {
  /**
   * Per connection, the first notification signals a sync at once; later ones within this window are collected and
   * signalled together when it ends.
   */
  coalesceWindowMs: number;
  /** While a burst goes on, each next window doubles, up to this: a minute-long burst costs about six signals. */
  maxCoalesceWindowMs: number;
}

export const DEFAULT_PROVIDER_WEBHOOK_SETTINGS: ProviderWebhookSettings = { coalesceWindowMs: 2_000, maxCoalesceWindowMs: 30_000 };

export interface ReceivedWebhook {
  method: string;
  /** The path and query as received, to rebuild the URL HubSpot signed. */
  originalUrl: string;
  rawBody: Buffer;
  header(name: string): string | undefined;
}

export interface WebhookAnswer {
  status: number;
  contentType?: string;
  body?: string;
}

const hubSpotEvents = z
  .array(
    z.looseObject({
      portalId: z.number().int(),
      subscriptionType: z.string().regex(/^\w+\.\w+$/),
    }),
  )
  .max(1000);

export class ProviderWebhookUseCases {
  /** Trailing-edge checks this process owes; unref'd, so they never keep a process alive. */
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly catalog: ProviderCatalog,
    private readonly workflows: ConnectionWorkflows,
    private readonly settings: ProviderWebhookSettings,
    /** Where HubSpot sends its webhooks: its signature covers the full URL it called. */
    private readonly publicUrl: string,
    private readonly logger: Logger,
  ) {}

  async receive(integrationKey: string, request: ReceivedWebhook): Promise<WebhookAnswer> {
    const integration = await this.store.integrations.find(integrationKey);
    const provider = integration ? this.catalog.find(integration.provider) : undefined;
    const notifications = provider?.changeNotifications;
    if (!integration || !notifications) throw AppError.notFound('integration with provider webhooks', integrationKey);
    const log = this.logger.child({ integration: integrationKey });

    if (notifications.kind === 'hubspot-webhooks') {
      const { clientSecret } = await this.store.integrations.getClientCredentials(integrationKey);
      const problem = hubSpotSignatureProblem(clientSecret, {
        method: request.method,
        uri: `${this.publicUrl.replace(/\/+$/, '')}${request.originalUrl}`,
        rawBody: request.rawBody,
        timestamp: request.header('x-hubspot-request-timestamp'),
        signature: request.header('x-hubspot-signature-v3'),
      });
      if (problem) {
        log.warn({ problem }, 'provider webhook refused');
        throw new AppError('unauthorized', `not a webhook from this HubSpot app: ${problem}`);
      }
      const events = parseJson(hubSpotEvents, request.rawBody);
      const modelsByAccount = new Map<string, Set<string>>();
      for (const event of events) {
        const model = notifications.modelsByObjectType[event.subscriptionType.split('.')[0]];
        if (!model) continue;
        const account = String(event.portalId);
        if (!modelsByAccount.has(account)) modelsByAccount.set(account, new Set());
        modelsByAccount.get(account)?.add(model);
      }
      for (const [account, models] of modelsByAccount) await this.triggerAccount(integrationKey, account, [...models], log);
      return { status: 204 };
    }

    const message = parseOutboundMessage(request.rawBody.toString('utf8'));
    if (!message) throw AppError.invalid('body', 'is not a Salesforce Outbound Message (SOAP notifications with an OrganizationId)');
    // Outbound Messages carry no signature: only a message for an org we have a connection to is acted on.
    const connections = await this.store.connections.findByProviderAccount(integrationKey, message.organizationId);
    if (connections.length === 0) throw AppError.notFound('connection for Salesforce organization', message.organizationId);
    const fresh = await this.store.providerNotifications.firstSeen(integrationKey, message.notifications.map((n) => n.id));
    const models = new Set<string>();
    for (const notification of message.notifications) {
      const model = notifications.modelsByObjectType[notification.objectType];
      if (model && fresh.includes(notification.id)) models.add(model);
    }
    if (models.size > 0) await this.triggerAccount(integrationKey, message.organizationId, [...models], log);
    return { status: 200, contentType: 'text/xml; charset=utf-8', body: outboundMessageAck(true) };
  }

  private async triggerAccount(integrationKey: string, account: string, models: string[], log: Logger): Promise<void> {
    const connections = await this.store.connections.findByProviderAccount(integrationKey, account);
    if (connections.length === 0) log.warn({ account }, 'provider webhook for an account no connection is known for');
    for (const connection of connections) {
      const synced = models.filter((model) => connection.syncs[model]);
      if (synced.length === 0 || connection.status === 'auth_error') continue;
      const windowMs = await this.store.syncTriggers.openWindowOrMarkPending(connection.connectionId, synced, this.settings.coalesceWindowMs, this.settings.maxCoalesceWindowMs);
      if (windowMs !== null) {
        await this.signal(connection.connectionId, synced, log);
        this.checkAtWindowEnd(connection.connectionId, windowMs, log);
      }
    }
  }

  /** The trailing edge: changes that came while the window was open get one more sync, and the window goes on. */
  private checkAtWindowEnd(connectionId: string, windowMs: number, log: Logger): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void (async () => {
        try {
          const taken = await this.store.syncTriggers.takePending(connectionId, this.settings.coalesceWindowMs, this.settings.maxCoalesceWindowMs);
          if (!taken) return;
          await this.signal(connectionId, taken.models, log);
          this.checkAtWindowEnd(connectionId, taken.nextWindowMs, log);
        } catch (error) {
          // Lost only until the next notification or the schedule: the pending flag stays set in the store.
          log.warn({ connectionId, err: (error as Error).message }, 'trailing sync trigger failed');
        }
      })();
    }, windowMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async signal(connectionId: string, models: string[], log: Logger): Promise<void> {
    if (await this.workflows.requestSync(connectionId, { models, mode: 'incremental' })) {
      log.info({ connectionId, models }, 'provider webhook requested a sync');
    } else {
      log.warn({ connectionId }, 'provider webhook for a connection without a running workflow');
    }
  }

  /** Stops the trailing checks this process still owes (tests and shutdown). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

function parseJson<T>(schema: z.ZodType<T>, raw: Buffer): T {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw AppError.invalid('body', 'is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw AppError.invalid(`body${issue.path.length ? `.${issue.path.join('.')}` : ''}`, issue.message);
  }
  return parsed.data;
}
