// Reading the failures activities raise, as the connection workflow needs them.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The activity's own ApplicationFailure, or undefined for timeouts, cancellations and anything else. */
export function failureOf(error: unknown): ApplicationFailure | undefined {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) return error.cause;
  if (error instanceof ApplicationFailure) return error;
  return undefined;
}

/** The message of the innermost application failure in a chain (ActivityFailure → TimeoutFailure → the last attempt's). */
export function lastAttemptMessage(error: unknown): string | undefined {
  let current: unknown = error;
  let message: string | undefined;
  while (current instanceof Error) {
    if (current instanceof ApplicationFailure) message = current.message;
    current = current.cause;
  }
  return message;
}
