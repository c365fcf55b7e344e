// The one answer to which API host a connection's access token is sent: its own, else its integration's, else the provider's.

/**
 * The host the token answer named for this connection (`oauth.apiBaseUrlField`: Salesforce's instance URL) comes
 * first, since the token is only valid there; then the integration's (a sandbox org, a region, an operator's proxy);
 * then the catalog's fixed `api.baseUrl`. Null while none is known (a provider with per-connection hosts before its
 * first token answer). Choosing the host is not allowing it: every request still passes the provider's URL rules.
 */
export function connectionApiBaseUrl(
  credentials: { instanceUrl?: string | null },
  integration: { apiBaseUrl?: string | null } | null | undefined,
  provider: { api: { baseUrl?: string } },
): string | null {
  return credentials.instanceUrl ?? integration?.apiBaseUrl ?? provider.api.baseUrl ?? null;
}
