// Each provider's own hosts as plain data, and the URL pattern they admit: the OpenAPI document declares which URLs a
// request may name without loading the catalog. A unit test keeps the lists equal to the catalog's and every URL the
// pattern admits one the catalog's host rules accept.
import type { ProviderKey } from './provider-keys';

export const PROVIDER_HOSTS: Record<ProviderKey, readonly string[]> = {
  salesforce: ['*.salesforce.com', '*.force.com'],
  hubspot: ['api.hubapi.com', 'api-*.hubapi.com', 'app.hubspot.com', 'app-*.hubspot.com'],
};

/**
 * One host label, as the catalog's `*` matches it, except one starting with `xn--`: that is punycode, and most such
 * labels are not valid punycode, which the URL parser refuses.
 */
const LABEL = '(?:[a-wyz0-9-][a-z0-9-]*|x(?:[a-mo-z0-9-][a-z0-9-]*)?|xn(?:[a-z0-9][a-z0-9-]*|-(?:[a-z0-9][a-z0-9-]*)?)?)';
const PORT = '(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?';
/** Path, query and fragment in RFC 3986's unreserved and sub-delimiter characters: no escape to get wrong. */
const PCHARS = "[A-Za-z0-9._~!$&'()*+,;=:@/-]";
const REST = `(?:/${PCHARS}*)?(?:\\?(?:${PCHARS}|\\?)*)?(?:#(?:${PCHARS}|\\?)*)?`;

/** `*.salesforce.com` → any name below salesforce.com; `api-*.hubapi.com` → `api-` and more in that one label. */
function hostSource(pattern: string): string {
  return pattern
    .split('.')
    .map((label, index) => {
      if (label === '*' && index === 0) return `(?:${LABEL}\\.)*${LABEL}`;
      if (/^[a-z0-9-]+$/.test(label)) return label;
      // A literal start that cannot begin `xn--` keeps the label clear of it; other shapes have no provider yet.
      const prefix = /^([a-z0-9-]+)\*$/.exec(label)?.[1];
      if (prefix && !'xn--'.startsWith(prefix) && !prefix.startsWith('xn--')) return `${prefix}[a-z0-9-]+`;
      throw new Error(`host pattern "${pattern}": the document cannot state the label "${label}"`);
    })
    .join('\\.');
}

/**
 * The https URLs on these providers' own hosts, as a regular expression source valid in JavaScript and in JSON
 * Schema: a lower-case host, an optional port, and no user name, password or percent-escapes. The catalog's host
 * rules accept every URL it matches (they may accept more: an operator's extra hosts, loopback in development).
 */
export function providerUrlPattern(providers: readonly ProviderKey[]): string {
  const hosts = providers.flatMap((key) => PROVIDER_HOSTS[key]).map(hostSource);
  return `^https://(?:${hosts.join('|')})${PORT}${REST}$`;
}
