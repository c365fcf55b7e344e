// The public API for writing an action: one write (or call) against a connection's provider, run durably by the engine.
import type { z } from 'zod';
import type { ProviderHttpClient } from './http-client';

export interface ActionConnection {
  connectionId: string;
  integration: string;
  provider: string;
}

export interface ActionContext<Input> {
  input: Input;
  /** The connection's authenticated client: base URL, token, error and rate-limit rules built in. */
  http: ProviderHttpClient;
  connection: ActionConnection;
  /**
   * When an earlier attempt marked this write started and never stored its answer (a killed worker, a lost answer):
   * it may have written, as early as this. Null on a first write, and for `idempotent` actions (they simply repeat).
   * See `findExisting`; a create may also use it to recognise its own record in a provider's duplicate refusal.
   */
  earlierWriteStartedAt: Date | null;
}

export interface ActionDefinition<Input = unknown, Output = unknown> {
  /** The name in the API: POST /connections/:id/actions/<name>. */
  name: string;
  description: string;
  /** zod: the request body is checked before anything runs; a bad field is a 400 naming it. */
  input: z.ZodType<Input>;
  /** zod: what the action answers, checked before it is stored. */
  output: z.ZodType<Output>;
  /**
   * True when running it twice has the effect of running it once (an update that sets values): the engine then
   * retries it freely after a crash. False (the default) for creates: see `findExisting`.
   */
  idempotent?: boolean;
  run(context: ActionContext<Input>): Promise<Output>;
  /**
   * Check-before-retry for a non-idempotent action: after an attempt that may have written without us learning the
   * answer (a crash, a timeout), the engine asks this before writing again. Return the earlier write's output if it
   * happened, or null if it did not. Without it, such an action is failed ("outcome unknown") rather than run twice.
   */
  findExisting?(context: ActionContext<Input> & { since: Date }): Promise<Output | null>;
}

/** Declares an action; providers list their built-ins, and custom ones are written the same way. */
export function defineAction<Input, Output>(definition: ActionDefinition<Input, Output>): ActionDefinition<Input, Output> {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) throw new Error(`action "${definition.name}": names are lower-case words joined by dashes`);
  return { idempotent: false, ...definition };
}
