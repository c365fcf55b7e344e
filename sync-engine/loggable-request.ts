// What of a provider request may be written to the event log: the path, and the query's names with only the values
// known to be harmless; never a token, a header, a body, or a query value that could carry customer data or a secret.
import { urlForms } from './secret-search';

/**
 * Query parameters whose values are paging and shape controls (sizes, offsets, opaque page ids, field names), shown as
 * they are; every other value (a SOQL `q`, a search term, a `page_token`, anything a sync adds) is shown as `…`.
 */
const SAFE_QUERY_VALUES = new Set([
  'limit',
  'after',
  'archived',
  'page',
  'per_page',
  'start',
  'offset',
  'count',
  'sort',
  'sort_by',
  'sort_direction',
  'properties',
  'fields',
  'associations',
  '$top',
  '$skip',
  '$select',
  '$orderby',
]);

/** Stands in for a secret found in a path (a token lookup puts the token there): the log never holds it. */
const REDACTED = '[redacted]';

/**
 * `/services/data/v62.0/query?q=…` from the URL as sent. `secrets` (the connection's tokens) are taken out of the path
 * in every form a URL may hold them, should a sync or a provider put one there.
 */
export function loggablePath(url: URL, secrets: readonly string[] = []): string {
  let path = url.pathname;
  for (const secret of secrets) {
    if (secret.length < 8) continue; // nothing this short is a token, and replacing it would garble the path
    for (const form of urlForms(secret)) path = path.split(form).join(REDACTED);
  }
  const query = [...url.searchParams.entries()].map(([name, value]) =>
    `${encodeURIComponent(name)}=${SAFE_QUERY_VALUES.has(name) && !secrets.some((secret) => value.includes(secret)) ? encodeURIComponent(value).slice(0, 200) : '…'}`,
  );
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}
