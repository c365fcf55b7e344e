// The URLs a list of host patterns admits, as a JSON-Schema regular expression: how the OpenAPI document states which
// URLs a request may name. The hosts are a catalog entry's (api/openapi-providers.ts passes them); a unit test keeps
// every URL the pattern admits one the catalog's host rules accept.

/**
 * One host label, as the catalog's `*` matches it, except one starting with `xn--`: that is punycode, and most such
 * labels are not valid punycode, which the URL parser refuses.
 */
const LABEL = '(?:[a-wyz0-9-][a-z0-9-]*|x(?:[a-mo-z0-9-][a-z0-9-]*)?|xn(?:[a-z0-9][a-z0-9-]*|-(?:[a-z0-9][a-z0-9-]*)?)?)';
const PORT = '(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?';
/** Path, query and fragment in RFC 3986's unreserved and sub-delimiter characters: no escape to get wrong. */
const PCHARS = "[A-Za-z0-9._~!$&'()*+,;=:@/-]";
const REST = `(?:/${PCHARS}*)?(?:\\?(?:${PCHARS}|\\?)*)?(?:#(?:${PCHARS}|\\?)*)?`;

/** `*.example.com` → any name below example.com; `api-*.example.com` → `api-` and more in that one label. */
function hostSource(pattern: string): string {
  // Lower case, as the catalog's host rules compare it (security/provider-urls.ts).
  return pattern
    .toLowerCase()
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
 * The https URLs on these hosts (a catalog entry's `hosts`, in its pattern syntax), as a regular expression source
 * valid in JavaScript and in JSON Schema: a lower-case host, an optional port, and no user name, password or
 * percent-escapes. The catalog's host rules accept every URL it matches (they may accept more: an operator's extra
 * hosts, loopback in development). Throws for a host pattern it cannot state, so a new provider's odd one is noticed.
 */
export function providerUrlPattern(hosts: readonly string[]): string {
  return `^https://(?:${hosts.map(hostSource).join('|')})${PORT}${REST}$`;
}
