// The sandboxes' one error type (an HTTP status and the exact body to send) and the control API's own error shape.
import type { z } from 'zod';

export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'SandboxHttpError';
  }
}

/** The control API names the offending field so a test author sees the mistake at once. */
export function controlError(status: number, message: string, fields: { field: string; message: string }[] = []): SandboxHttpError {
  return new SandboxHttpError(status, { error: message, fields }, message);
}

/** zod problems as `{field, message}`, the shape every 400 from the control API carries. */
export function fieldProblems(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(body)',
    message: issue.message,
  }));
}
