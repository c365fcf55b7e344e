// Request problems as errors that name the field: input the schema refuses (400), and well-formed input naming what does not exist (404) or conflicts with it (409).
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

/**
 * The request is well formed but names something that does not exist: an integration, a model of the provider or
 * of the connection. A 404 that still names the field, so the caller knows which reference to fix.
 */
export function notFoundAt(field: string, message: string): AppError {
  return new AppError('not_found', `${field}: ${message}`, { fields: [{ field, message }] });
}

/** The request is well formed but conflicts with what it addresses as it now is (its provider, its models, its feed): a 409 naming the field. */
export function conflictAt(field: string, message: string): AppError {
  return new AppError('conflict', `${field}: ${message}`, { fields: [{ field, message }] });
}
