// Where a connection's token requests go when one OAuth app serves several data centres: the token host its callback
// named (checked against the provider's host rules and data centres), and the API base its token answers may name.
import type { TokenHostFromCallback } from '../providers/provider-definition';
import { hostPatternRegExp, isLoopbackAddress, UrlRefusedError, type ProviderUrlRules } from '../security/provider-urls';

type HostKind = 'tokenHosts' | 'apiHosts';

/**
 * The origin a callback named (`https://accounts.zoho.eu`), if the provider's credentials may go there and it is one
 * of its data centres' token hosts; otherwise a UrlRefusedError saying why, naming nothing the value could hide.
 */
export function checkedTokenHost(dataCentres: TokenHostFromCallback, rules: ProviderUrlRules, raw: string): string {
  const url = rules.check(raw);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new UrlRefusedError('must be an origin only (scheme and host), without a path or query');
  if (dataCentreOf(dataCentres, 'tokenHosts', url, rules.allowsLoopback) === null) {
    throw new UrlRefusedError(`is not the token host of any ${rules.providerKey} data centre`);
  }
  return url.origin;
}

/** The integration's token URL with its origin replaced by the connection's token host (its path stays). */
export function connectionTokenUrl(integrationTokenUrl: string, tokenHost: string | null | undefined): string {
  if (!tokenHost) return integrationTokenUrl;
  const url = new URL(integrationTokenUrl);
  return new URL(`${url.pathname}${url.search}`, tokenHost).toString();
}

/**
 * An API base a token answer (or a client) names must be in the data centre of the token URL that answered: tokens of
 * one region are worthless, and their bearer a stranger, in another. Throws a UrlRefusedError saying which side broke it.
 */
export function assertSameDataCentre(dataCentres: TokenHostFromCallback, rules: ProviderUrlRules, tokenUrl: string, apiBaseUrl: string): void {
  const tokenCentre = dataCentreOf(dataCentres, 'tokenHosts', new URL(tokenUrl), rules.allowsLoopback);
  if (tokenCentre === null) throw new UrlRefusedError(`is paired with a token URL that is not the token host of any ${rules.providerKey} data centre`);
  const apiCentre = dataCentreOf(dataCentres, 'apiHosts', new URL(apiBaseUrl), rules.allowsLoopback);
  if (apiCentre !== tokenCentre) {
    throw new UrlRefusedError(`is not an API host of the data centre of its token host (${tokenCentre.replace(/^loopback:/, 'loopback address ')})`);
  }
}

/**
 * The name of the data centre a host belongs to as a token or API host, or null. A loopback host (a development
 * stack's sandbox) is a data centre of its own address: ports differ between a sandbox's servers, addresses need not.
 */
export function dataCentreOf(dataCentres: TokenHostFromCallback, kind: HostKind, url: URL, allowLoopback: boolean): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '');
  if (isLoopbackAddress(host) || host === 'localhost' || host.endsWith('.localhost')) return allowLoopback ? `loopback:${host}` : null;
  const centre = dataCentres.dataCentres.find((candidate) => candidate[kind].some((pattern) => hostPatternRegExp(pattern).test(host)));
  return centre?.name ?? null;
}
