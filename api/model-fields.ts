// Checks the extra fields an integration or a connection asks for against its provider's models.
import { AppError } from '../errors/app-error';
import type { ProviderDefinition } from '../providers/provider-definition';
import { conflictAt, notFoundAt } from './validation';

/**
 * Extra fields may only name the provider's models whose sync lets the account decide what it reads; each list is kept
 * in its order, without repeats. The body's schema has already checked every field name; `path` names the field in
 * the error (`body.fields`). A model the provider does not have is a 404 when the request creates the integration or
 * connection, and a 409 when it changes an existing one (which a 404 would say is gone).
 */
export function checkedModelFields(
  provider: ProviderDefinition,
  fields: Record<string, string[]> | undefined,
  { changing, path = 'body.fields' }: { changing: boolean; path?: string },
): Record<string, string[]> {
  const checked: Record<string, string[]> = {};
  for (const [model, names] of Object.entries(fields ?? {})) {
    const sync = provider.syncs.find((candidate) => candidate.model === model);
    if (!sync) {
      const message = `${provider.displayName} has no model "${model}"; it has ${provider.syncs.map((s) => s.model).join(', ')}`;
      throw changing ? conflictAt(`${path}.${model}`, message) : notFoundAt(`${path}.${model}`, message);
    }
    if (!sync.fields) throw AppError.invalid(`${path}.${model}`, `the ${model} sync reads a fixed set of fields`);
    checked[model] = [...new Set(names)];
  }
  return checked;
}
