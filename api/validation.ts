// Validates request input with zod and turns every problem into one 400 naming each bad field.
import type { z } from 'zod';
import { AppError } from '../errors/app-error';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  return failWith(fields);
}

function failWith(fields: { field: string; message: string }[]): never {
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  throw new AppError('validation_failed', `invalid request: ${summary}`, { fields });
}
