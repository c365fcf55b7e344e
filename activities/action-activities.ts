// Activities that run one action against the provider, once, and record its outcome; refresh is never done here.
import { Context } from '@temporalio/activity';
import type { ActionOutcome } from '../contracts/action-messages';
import { FailureType } from '../contracts/failure-types';
import { ApplicationFailure } from '@temporalio/common';
import { waitForNewCredentials, type CredentialWaitOutcome } from '../store/credential-generation-wait';
import type { Action, ActionError } from '../store/actions';
import { ProviderError } from '../sync/provider-error';
import type { ActivityDependencies } from './dependencies';
import { openConnectionHttp } from './connection-http';
import { toActivityFailure } from './failures';
import { heartbeatWhile } from './heartbeat';
import { logEvent, type EventLevel, type LogEventDocument } from '../store/event-log';

/**
 * The action, or a non-retryable `Gone` failure when it belongs to no live connection: its connection was deleted
 * (which removes its actions), or the connection id now names a later life. Retrying could never help, and writing
 * with a new life's credentials must never happen.
 */
function gone(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.gone, message, nonRetryable: true });
}

export function createActionActivities({ store, catalog, logger }: ActivityDependencies) {
  /** An event of the action's story for the log: its input and output stay in the action, not here. */
  function actionEvent(action: Action, integration: string | null, kind: string, level: EventLevel, message: string, data: Record<string, unknown> = {}): LogEventDocument {
    return logEvent({
      source: 'action',
      kind,
      level,
      message: `${action.name}: ${message}`,
      data: { action: action.name, ...data },
      connectionId: action.connectionId,
      ...(typeof action.incarnation === 'string' ? { incarnation: action.incarnation } : {}),
      integration,
      actionId: action.actionId,
    });
  }

  /** Best effort: the log must never change how an action ends. */
  async function logAction(events: LogEventDocument[]): Promise<void> {
    await store.events.insert(events).catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'action events not stored'));
  }

  async function liveAction(actionId: string): Promise<Action> {
    const action = await store.actions.find(actionId);
    if (!action) throw gone(`action ${actionId} no longer exists: its connection was deleted`);
    return action;
  }

  async function finished(
    actionId: string,
    result: { status: 'succeeded'; output: unknown } | { status: 'failed'; error: ActionError },
    story: LogEventDocument[] = [],
  ): Promise<ActionOutcome> {
    const before = await liveAction(actionId);
    const action = await store.actions.finish(actionId, result);
    // Only the attempt that ended it says how it ended (finish keeps the first outcome).
    const ended = before.status === 'running' && action.status !== 'running';
    const integration = (await store.connections.find(action.connectionId))?.integration ?? null;
    const outcome = ended
      ? [
          action.status === 'succeeded'
            ? actionEvent(action, integration, 'outcome', 'info', 'succeeded')
            : actionEvent(action, integration, 'outcome', 'error', `failed (${action.error?.code}): ${action.error?.message}`, { code: action.error?.code ?? null }),
        ]
      : [];
    await logAction([...story.map((event) => ({ ...event, integration })), ...outcome]);
    return { status: action.status === 'succeeded' ? 'succeeded' : 'failed', errorCode: action.error?.code ?? null };
  }

  /**
   * Exactly once where the provider lets us know: a write-ahead mark before the write; an attempt that finds the mark
   * (its predecessor died between writing and storing the answer) asks the action's `findExisting` first, and an
   * action without one is failed as `outcome_unknown` rather than written twice.
   */
  async function runOnce(actionId: string, context: Context): Promise<ActionOutcome> {
    const action = await liveAction(actionId);
    if (action.status !== 'running') return { status: action.status, errorCode: action.error?.code ?? null };
    const connection = await store.connections.find(action.connectionId);
    if (!connection) throw gone(`connection "${action.connectionId}" was deleted: action ${actionId} is not run`);
    if (action.incarnation !== undefined && action.incarnation !== (connection.incarnation ?? null)) {
      throw gone(`connection "${action.connectionId}" was deleted and created again: action ${actionId} belonged to its earlier life`);
    }
    const provider = catalog.get(connection.provider);
    const definition = provider.actions?.find((a) => a.name === action.name);
    if (!definition) return finished(actionId, { status: 'failed', error: { code: 'failed', message: `${provider.displayName} has no action "${action.name}"` } });
    const { generation, http } = await openConnectionHttp({ store, catalog }, connection, { signal: context.cancellationSignal });
    const earlierWriteStartedAt = definition.idempotent ? null : action.writeStartedAt;
    const actionContext = {
      input: definition.input.parse(action.input),
      http,
      connection: { connectionId: connection.connectionId, integration: connection.integration, provider: connection.provider },
      earlierWriteStartedAt,
    };
    const log = logger.child({ actionId, action: action.name, connectionId: connection.connectionId, attempt: context.info.attempt });
    const attemptStartedAt = new Date();
    const story: LogEventDocument[] = [
      actionEvent(action, connection.integration, 'started', 'info', `started (attempt ${context.info.attempt})`, { attempt: context.info.attempt }),
    ];
    try {
      if (earlierWriteStartedAt) {
        if (!definition.findExisting) {
          return finished(actionId, { status: 'failed', error: { code: 'outcome_unknown', message: 'an earlier attempt may have written; this action cannot tell, so it is not written again' } }, story);
        }
        const existing = await definition.findExisting({ ...actionContext, since: earlierWriteStartedAt });
        if (existing) {
          log.info('an earlier attempt had written: taking its result');
          story.push(actionEvent(action, connection.integration, 'answer', 'info', 'an earlier attempt had written: its result is taken'));
          return finished(actionId, { status: 'succeeded', output: definition.output.parse(existing) }, story);
        }
      }
      await store.actions.markWriteStarted(actionId, attemptStartedAt);
      const output = definition.output.parse(await definition.run(actionContext));
      story.push(actionEvent(action, connection.integration, 'answer', 'info', 'the provider accepted the write'));
      return await finished(actionId, { status: 'succeeded', output }, story);
    } catch (error) {
      if (error instanceof ProviderError) {
        story.push(
          actionEvent(action, connection.integration, 'answer', error.kind === 'permanent' ? 'error' : 'warn', `the provider answered ${error.kind}: ${error.message}`, {
            code: error.kind,
            status: error.details.status ?? null,
          }),
        );
      }
      if (error instanceof ProviderError && error.kind === 'permanent') {
        return finished(actionId, { status: 'failed', error: { code: 'provider_refused', message: error.message } }, story);
      }
      await logAction(story);
      // A 401 or 429 means the provider did not execute the request: this attempt wrote nothing.
      if (error instanceof ProviderError && (error.kind === 'auth_expired' || error.kind === 'rate_limited')) {
        await store.actions.clearWriteStarted(actionId, attemptStartedAt);
      }
      throw toActivityFailure(error, generation);
    }
  }

  return {
    /**
     * Heartbeats while it works, so a workflow that gives the activity a heartbeat timeout learns of a killed worker
     * in seconds, while a provider that takes long over the request (within the start-to-close timeout) is waited for.
     */
    async runAction({ actionId }: { actionId: string }): Promise<ActionOutcome> {
      const context = Context.current();
      return heartbeatWhile(context, runOnce(actionId, context));
    },

    async failAction({ actionId, code, message }: { actionId: string; code: ActionError['code']; message: string }): Promise<ActionOutcome> {
      return finished(actionId, { status: 'failed', error: { code, message } });
    },

    async readActionResult({ actionId }: { actionId: string }): Promise<{ output: unknown; error: ActionError | null }> {
      const action = await liveAction(actionId);
      return { output: action.output, error: action.error };
    },

    /** The connection workflow refreshes; an action only waits for the new generation to show in the store. */
    async waitForCredentials({ connectionId, generation, timeoutMs }: { connectionId: string; generation: number; timeoutMs: number }): Promise<CredentialWaitOutcome> {
      const outcome = await waitForNewCredentials(store.connections, connectionId, generation, { timeoutMs, signal: Context.current().cancellationSignal });
      if (outcome.outcome === 'timed_out') {
        throw ApplicationFailure.create({ type: FailureType.providerUnavailable, message: 'credentials were not refreshed in time' });
      }
      return outcome;
    },
  };
}
