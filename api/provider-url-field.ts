// Checks a URL a request names against its provider's host rules, so that a refusal says which kind of mistake it is.
import { AppError } from '../errors/app-error';
import { assertSameDataCentre, checkedTokenHost, connectionTokenUrl } from '../oauth/token-host';
import type { ProviderCatalog } from '../providers/catalog';
import type { ProviderDefinition } from '../providers/provider-definition';
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

/**
 * A connection created with tokens of a provider with several data centres: the token host its refresh token belongs
 * to (`credentials.tokenHost`, else the integration's token URL) must be one of the provider's, and its API base
 * (`credentials.instanceUrl`) of the same data centre, or every refresh would fail (or send the token astray).
 * Returns the token host to store, null for none. Refusals are 400s naming the field.
 */
export function checkedConnectionTokenHost(
  catalog: ProviderCatalog,
  provider: ProviderDefinition,
  integrationTokenUrl: string,
  credentials: { instanceUrl?: string; tokenHost?: string },
): string | null {
  const dataCentres = provider.oauth.tokenHostFromCallback;
  if (!dataCentres) {
    if (credentials.tokenHost !== undefined) throw conflictAt('body.credentials.tokenHost', `${provider.displayName} has one token host: leave it out`);
    return null;
  }
  const rules = catalog.urlRules(provider.key);
  let tokenHost: string | null = null;
  if (credentials.tokenHost !== undefined) {
    checkProviderUrl(catalog, provider.key, 'body.credentials.tokenHost', credentials.tokenHost);
    try {
      tokenHost = checkedTokenHost(dataCentres, rules, credentials.tokenHost);
    } catch (error) {
      if (!(error instanceof UrlRefusedError)) throw error;
      throw AppError.invalid('body.credentials.tokenHost', error.message);
    }
  }
  if (credentials.instanceUrl !== undefined) {
    try {
      assertSameDataCentre(dataCentres, rules, connectionTokenUrl(integrationTokenUrl, tokenHost), credentials.instanceUrl);
    } catch (error) {
      if (!(error instanceof UrlRefusedError)) throw error;
      throw AppError.invalid('body.credentials.instanceUrl', `${error.message}; name the token host it belongs to in credentials.tokenHost`);
    }
  }
  return tokenHost;
}
