// The provider webhooks' story: check the delivery is the provider's (before reading it when the URL carries the proof),
// read it, drop what was already handled, find the connections of each account and model, and sync them soon.
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error';
import type { ProviderWebhookMetrics } from '../../observability/metrics';
import type { ProviderCatalog } from '../../providers/catalog';
import { webhookUrlSecretMatches } from '../../security/webhook-url-secret';
import type { Store } from '../../store/store';
import type { ConnectionWorkflows } from '../connection-workflows';
import type { ChangeNotice, ProviderWebhooks, WebhookAnswer, WebhookDelivery } from '../../providers/provider-webhooks';

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
  /** The path and query as received, to rebuild the URL the provider called (a signature may cover it). */
  originalUrl: string;
  rawBody: Buffer;
  header(name: string): string | undefined;
}

/** A delivery whose integration is known and, for URL-secret providers, already authenticated: its body may be read. */
export interface AdmittedDelivery {
  integrationKey: string;
  provider: string;
  webhooks: ProviderWebhooks;
}

export class ProviderWebhookUseCases {
  /** Trailing-edge checks this process owes; unref'd, so they never keep a process alive. */
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly catalog: ProviderCatalog,
    private readonly workflows: ConnectionWorkflows,
    private readonly settings: ProviderWebhookSettings,
    /** Where providers send their webhooks: a signature may cover the full URL they called. */
    private readonly publicUrl: string,
    private readonly logger: Logger,
    private readonly metrics: ProviderWebhookMetrics,
  ) {}

  /**
   * `POST /provider-webhooks/:integration`, before the body is read. Only providers whose deliveries prove themselves
   * (a signature, a secret they carry) use this URL: a URL-secret provider's delivery here carries no credential at
   * all, and is refused unread.
   */
  async admitSigned(integrationKey: string): Promise<AdmittedDelivery> {
    const admitted = await this.admitted(integrationKey);
    if (admitted.webhooks.authentication.by === 'url-secret') {
      this.logger.warn({ integration: integrationKey, problem: 'no URL secret' }, 'provider webhook refused');
      throw new AppError('unauthorized', `integration "${integrationKey}" takes notifications only at its webhook URL with its secret (providerWebhook.url in GET /integrations/${integrationKey})`);
    }
    return admitted;
  }

  /**
   * `POST /provider-webhooks/:integration/:webhookSecret`, before the body is read: the secret is compared in constant
   * time with the current one and, during a rotation's grace period, the previous one.
   */
  async admitWithUrlSecret(integrationKey: string, presented: string, now = new Date()): Promise<AdmittedDelivery> {
    const admitted = await this.admitted(integrationKey);
    if (admitted.webhooks.authentication.by !== 'url-secret') throw AppError.notFound('webhook URL with a secret for integration', integrationKey);
    const accepted = await this.acceptedWebhookSecrets(integrationKey, now);
    if (!webhookUrlSecretMatches(presented, accepted)) {
      this.logger.warn({ integration: integrationKey, problem: 'wrong URL secret' }, 'provider webhook refused');
      throw new AppError('unauthorized', `not the webhook URL of integration "${integrationKey}": GET /integrations/${integrationKey} shows it`);
    }
    return admitted;
  }

  /**
   * Once the body is read: a delivery that proves itself is checked by the provider's own rule, with the one secret
   * the rule names; then it is read, deduplicated and acted on.
   */
  async receive(admitted: AdmittedDelivery, request: ReceivedWebhook): Promise<WebhookAnswer> {
    const log = this.logger.child({ integration: admitted.integrationKey });
    const { authentication } = admitted.webhooks;
    if (authentication.by !== 'url-secret') {
      const delivery: WebhookDelivery = {
        method: request.method,
        uri: `${this.publicUrl.replace(/\/+$/, '')}${request.originalUrl}`,
        rawBody: request.rawBody,
        header: request.header,
      };
      const problem =
        authentication.by === 'client-secret'
          ? authentication.authenticate(delivery, (await this.store.integrations.getClientCredentials(admitted.integrationKey)).clientSecret)
          : authentication.authenticate(delivery, await this.acceptedWebhookSecrets(admitted.integrationKey));
      if (problem) {
        log.warn({ problem }, 'provider webhook refused');
        throw new AppError('unauthorized', `not a webhook from this ${admitted.provider} app: ${problem}`);
      }
    }
    await this.act(admitted, admitted.webhooks.parse(request.rawBody), log);
    return admitted.webhooks.accepted;
  }

  private async admitted(integrationKey: string): Promise<AdmittedDelivery> {
    const integration = await this.store.integrations.find(integrationKey);
    const provider = integration ? this.catalog.find(integration.provider) : undefined;
    if (!integration || !provider?.webhooks) throw AppError.notFound('integration with provider webhooks', integrationKey);
    return { integrationKey, provider: provider.key, webhooks: provider.webhooks };
  }

  /** The integration's webhook secret and, during a rotation's grace period, the previous one; refused when it has none. */
  private async acceptedWebhookSecrets(integrationKey: string, now = new Date()): Promise<string[]> {
    const secrets = await this.store.integrations.webhookSecrets(integrationKey);
    const accepted = [secrets?.current, secrets?.previous && secrets.previous.validUntil > now ? secrets.previous.secret : null].filter((s): s is string => !!s);
    if (accepted.length === 0) {
      throw new AppError('unauthorized', `integration "${integrationKey}" has no webhook URL secret yet: PATCH /integrations/${integrationKey} with {"rotateWebhookUrl": true} makes one`);
    }
    return accepted;
  }

  /**
   * Acts on the notices not seen before (a redelivery or a replay finds its ids remembered), per account. Known and
   * unknown accounts get the same answer; an unknown one is counted and logged, so deliveries that reach no connection
   * show. If acting fails, the ids are forgotten again, so the provider's retry is acted on.
   */
  private async act(admitted: AdmittedDelivery, notices: readonly ChangeNotice[], log: Logger): Promise<void> {
    const fresh = new Set(await this.store.providerNotifications.firstSeen(admitted.integrationKey, notices.map((n) => n.notificationId)));
    const modelsByAccount = new Map<string, Map<string, string[]>>();
    for (const notice of notices) {
      if (!fresh.has(notice.notificationId)) continue;
      const models = modelsByAccount.get(notice.account) ?? new Map<string, string[]>();
      modelsByAccount.set(notice.account, models);
      // Own properties only: an object type named `constructor` is no model.
      const { modelsByObjectType } = admitted.webhooks;
      if (!Object.hasOwn(modelsByObjectType, notice.objectType)) continue;
      const model = modelsByObjectType[notice.objectType];
      const deletedIds = models.get(model) ?? [];
      models.set(model, deletedIds);
      if (notice.deletedId !== undefined) deletedIds.push(notice.deletedId);
    }
    try {
      for (const [account, models] of modelsByAccount) await this.triggerAccount(admitted, account, models, log);
    } catch (error) {
      await this.store.providerNotifications.forget(admitted.integrationKey, [...fresh]).catch(() => undefined);
      throw error;
    }
  }

  /** `models`: the models the account's notices were about, each with the record ids they said were deleted. */
  private async triggerAccount(admitted: AdmittedDelivery, account: string, models: Map<string, string[]>, log: Logger): Promise<void> {
    const connections = await this.store.connections.findByProviderAccount(admitted.integrationKey, account);
    if (connections.length === 0) {
      // The account goes in the log line, never in a metric label (one series per account would grow without end).
      this.metrics.accountUnmatched(admitted.integrationKey, admitted.provider);
      log.warn({ provider: admitted.provider, account }, 'provider webhook for an account no connection has: nothing to sync');
      return;
    }
    for (const connection of connections) {
      const synced = [...models.keys()].filter((model) => connection.syncs[model]);
      // Kept before anything is signalled, and also for a connection in auth_error: its first run after it is
      // authorised again applies them.
      for (const model of synced) {
        const feed = { connectionId: connection.connectionId, model, ...(connection.incarnation ? { incarnation: connection.incarnation } : {}) };
        await this.store.reportedDeletes.add(feed, models.get(model) ?? []);
      }
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
