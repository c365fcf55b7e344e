// The Authorization header that carries a connection's access token to its provider, in the provider's scheme.

/** `Bearer` unless the provider's catalog entry names another scheme (`api.authorizationScheme`). */
export function authorizationHeader(accessToken: string, scheme = 'Bearer'): string {
  return `${scheme} ${accessToken}`;
}
