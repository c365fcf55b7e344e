// Checks the extra fields an integration or a connection asks for against its provider's models.
import { AppError } from '../errors/app-error';
import type { ProviderDefinition } from '../providers/provider-definition';

/**
 * Extra fields may only name the provider's models whose sync lets the account decide what it reads; each list is kept
 * in its order, without repeats. The body's schema has already checked every field name; `path` names the field in
 * the 400 (`body.fields`).
 */
export function checkedModelFields(provider: ProviderDefinition, fields: Record<string, string[]> | undefined, path = 'body.fields'): Record<string, string[]> {
  const checked: Record<string, string[]> = {};
  for (const [model, names] of Object.entries(fields ?? {})) {
    const sync = provider.syncs.find((candidate) => candidate.model === model);
    if (!sync) throw AppError.invalid(`${path}.${model}`, `${provider.displayName} has no model "${model}"; it has ${provider.syncs.map((s) => s.model).join(', ')}`);
    if (!sync.fields) throw AppError.invalid(`${path}.${model}`, `the ${model} sync reads a fixed set of fields`);
    checked[model] = [...new Set(names)];
  }
  return checked;
}
