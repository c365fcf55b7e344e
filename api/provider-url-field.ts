// Checks a URL a request names against its provider's host rules, so that a refusal says which kind of mistake it is.
import { AppError } from '../errors/app-error';
import type { ProviderCatalog } from '../providers/catalog';
import { UrlRefusedError } from '../security/provider-urls';
import { conflictAt } from './validation';

/**
 * A URL on none of the catalog's hosts is bad input (400). One on another provider's hosts is a well-formed URL the
 * document allows (it cannot know the integration's provider), refused because of what the request addresses: a 409.
 */
export function checkProviderUrl(catalog: ProviderCatalog, providerKey: string, field: string, url: string): void {
  try {
    catalog.urlRules(providerKey).check(url);
  } catch (error) {
    if (!(error instanceof UrlRefusedError)) throw error;
    const owner = catalog.keys().find((key) => key !== providerKey && accepts(catalog, key, url));
    if (owner) throw conflictAt(field, `is a ${catalog.get(owner).displayName} host; this ${catalog.get(providerKey).displayName} integration ${error.message}`);
    throw AppError.invalid(field, error.message);
  }
}

function accepts(catalog: ProviderCatalog, providerKey: string, url: string): boolean {
  try {
    catalog.urlRules(providerKey).check(url);
    return true;
  } catch {
    return false;
  }
}
