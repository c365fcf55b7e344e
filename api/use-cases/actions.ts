// The actions' story: check the request, record it under its idempotency key, run it as a workflow, answer its outcome.
import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import type { ProviderCatalog } from '../../providers/catalog';
import type { Action } from '../../store/actions';
import type { Store } from '../../store/store';
import type { ConnectionWorkflows } from '../connection-workflows';

export interface ActionSettings {
  /** How long POST waits for the outcome before answering 202 with the action id to poll. */
  answerWithinMs: number;
}

export const DEFAULT_ACTION_SETTINGS: ActionSettings = { answerWithinMs: 10_000 };

export interface ActionView {
  actionId: string;
  connectionId: string;
  action: string;
  status: Action['status'];
  output: unknown;
  error: Action['error'];
  createdAt: Date;
  finishedAt: Date | null;
}

/**
 * The same connection life and key always name the same action (and so the same workflow). A connection id's first
 * life has no incarnation, and its ids are those every earlier release gave, so actions running or finished across
 * an upgrade keep theirs; a later life (the id deleted and created again) hashes its incarnation in, so a key its
 * deleted predecessor used names a new action, not a workflow that ended with the old life. Header values hold no
 * newline, so the parts cannot run into each other.
 */
export const actionIdOf = (connectionId: string, idempotencyKey: string, incarnation?: string) =>
  `act_${createHash('sha256').update(incarnation ? `${connectionId}\n${incarnation}\n${idempotencyKey}` : `${connectionId}\n${idempotencyKey}`).digest('hex').slice(0, 32)}`;

export class ActionUseCases {
  constructor(
    private readonly store: Store,
    private readonly catalog: ProviderCatalog,
    private readonly workflows: ConnectionWorkflows,
    private readonly settings: ActionSettings,
  ) {}

  async run(connectionId: string, name: string, idempotencyKey: string | undefined, body: unknown): Promise<{ status: 200 | 202 | 422; body: ActionView }> {
    if (!idempotencyKey || idempotencyKey.length > 255) {
      throw AppError.invalid('headers.idempotency-key', 'is required (1 to 255 characters): the same key never runs the action twice');
    }
    const connection = await this.store.connections.get(connectionId);
    const provider = this.catalog.get(connection.provider);
    const definition = provider.actions?.find((a) => a.name === name);
    if (!definition) throw AppError.notFound(`${provider.displayName} action`, name);
    const parsed = definition.input.safeParse(body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = `body${issue.path.length ? `.${issue.path.join('.')}` : ''}`;
      throw new AppError('validation_failed', `${field}: ${issue.message}`, {
        fields: parsed.error.issues.map((i) => ({ field: `body${i.path.length ? `.${i.path.join('.')}` : ''}`, message: i.message })),
      });
    }
    const incarnation = connection.incarnation ?? null;
    let actionId = actionIdOf(connectionId, idempotencyKey, connection.incarnation);
    let existing = await this.store.actions.find(actionId);
    if (!existing && connection.incarnation) {
      // A later life that began before action ids carried the incarnation may hold this key's action under the old id:
      // it is this life's if it was made after this life began (a delete removes the previous life's actions).
      const legacy = await this.store.actions.find(actionIdOf(connectionId, idempotencyKey));
      if (legacy && legacy.connectionId === connectionId && legacy.incarnation === undefined && legacy.createdAt >= connection.createdAt) {
        ({ actionId } = legacy);
        existing = legacy;
      }
    }
    if (!existing && connection.status === 'auth_error') {
      throw new AppError('conflict', `connection "${connectionId}" is in auth_error${connection.statusReason ? `: ${connection.statusReason}` : ''}; the customer must reconnect`);
    }
    const { action } = await this.store.actions.createOrFind({ _id: actionId, connectionId, incarnation, name, idempotencyKey, input: parsed.data });
    if (action.name !== name || JSON.stringify(action.input) !== JSON.stringify(parsed.data)) {
      throw new AppError('conflict', `Idempotency-Key "${idempotencyKey}" was already used for a different action or input`);
    }
    if (action.status === 'running') {
      const started = await this.workflows.startAction({ actionId, connectionId, integration: connection.integration, action: name, incarnation });
      if (started === 'ended') {
        // The action's workflow is over (terminated, or stopped) and never stored an outcome: nothing will, so say so
        // rather than answer 202 to every repeat for ever.
        await this.store.actions.finish(actionId, { status: 'failed', error: { code: 'failed', message: "the action's workflow ended without recording an outcome; it may or may not have written" } });
      }
    }
    const settled = await this.waitForOutcome(actionId, this.settings.answerWithinMs);
    return { status: statusOf(settled), body: toView(settled) };
  }

  async describe(connectionId: string, actionId: string): Promise<ActionView> {
    const [action, connection] = await Promise.all([this.store.actions.find(actionId), this.store.connections.find(connectionId)]);
    // An action of another life of the connection id is not this connection's.
    const ofThisLife = action?.incarnation === undefined || action.incarnation === (connection?.incarnation ?? null);
    if (!action || !connection || action.connectionId !== connectionId || !ofThisLife) throw AppError.notFound('action', actionId);
    return toView(action);
  }

  private async waitForOutcome(actionId: string, withinMs: number): Promise<Action> {
    const deadline = Date.now() + withinMs;
    let interval = 50;
    for (;;) {
      const action = await this.store.actions.get(actionId);
      if (action.status !== 'running' || Date.now() >= deadline) return action;
      await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(0, deadline - Date.now()))));
      interval = Math.min(interval * 2, 500);
    }
  }
}

function statusOf(action: Action): 200 | 202 | 422 {
  if (action.status === 'running') return 202;
  return action.status === 'succeeded' ? 200 : 422;
}

function toView(action: Action): ActionView {
  return {
    actionId: action.actionId,
    connectionId: action.connectionId,
    action: action.name,
    status: action.status,
    output: action.output,
    error: action.error,
    createdAt: action.createdAt,
    finishedAt: action.finishedAt,
  };
}
