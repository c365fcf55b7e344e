// Decides where a proxied request may go: a path on the connection's own API host, never anywhere else.
import { AppError } from '../../errors/app-error';

/**
 * Joins the caller's path (what followed `/proxy`) to the connection's API base URL. Refuses absolute URLs
 * (`/proxy/https://elsewhere`, `//elsewhere`), backslashes (which some parsers read as slashes) and `..` that would
 * climb above the base's path, so the access token is only ever sent to the provider's own host.
 *
 * The merge with the URL rules of branch `harden-ssrf` (host rules in provider data, checks in sync-engine/provider-http-client.ts)
 * should make this also ask those rules whether the base URL itself is allowed.
 */
export function proxyTarget(baseUrl: string, pathAndQuery: string): URL {
  const base = new URL(baseUrl);
  if (!pathAndQuery.startsWith('/') || pathAndQuery.startsWith('//')) {
    throw AppError.invalid('path', 'must be a path on the provider\'s API host, not an absolute URL');
  }
  if (pathAndQuery.includes('\\')) throw AppError.invalid('path', 'must not contain backslashes');
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(pathAndQuery.split('?')[0]);
  } catch {
    throw AppError.invalid('path', 'is not validly percent-encoded');
  }
  if (/^\/*[a-z][a-z0-9+.-]*:\/\//i.test(decodedPath) || decodedPath.startsWith('//')) {
    throw AppError.invalid('path', 'must be a path on the provider\'s API host, not an absolute URL');
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  const target = new URL(`${base.origin}${basePath}${pathAndQuery}`);
  if (target.origin !== base.origin || !(target.pathname === basePath || target.pathname.startsWith(`${basePath}/`))) {
    throw AppError.invalid('path', 'leaves the provider\'s API base');
  }
  return target;
}

/** Methods that may be sent again when no answer (or a gateway error) came back: repeating them changes nothing more. */
export const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Hop-by-hop headers (RFC 9110 §7.6.1, plus the old `proxy-connection`): they describe one connection, not the request. */
const HOP_BY_HOP = ['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings'];

/**
 * Request headers never forwarded: ours (the secret key, the connection), the caller's cookies, hop-by-hop ones, and
 * `Expect` (the API's server already answered `100-continue`; it concerns the caller's hop, and fetch refuses it).
 */
const NOT_FORWARDED = new Set([
  ...HOP_BY_HOP,
  'expect',
  'host',
  'authorization',
  'cookie',
  'connection-id',
  'provider-config-key',
  'content-length',
  'accept-encoding',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);

/**
 * The body parser has inflated a compressed body (gzip, deflate, br) before the proxy sees it: it forwards the
 * decoded bytes, which the encoding, the length and any digest of the encoded bytes no longer describe.
 */
const DESCRIBE_ENCODED_BODY = ['content-encoding', 'content-md5', 'content-digest', 'repr-digest', 'digest'];

/**
 * Answer headers never passed back: hop-by-hop ones, the provider's cookies, and the body's encoding and length
 * (fetch has already decoded the body, so they would describe bytes the caller never gets).
 */
const NOT_RETURNED = new Set([...HOP_BY_HOP, 'set-cookie', 'content-encoding', 'content-length']);

/** The header names a `Connection` header lists: hop-by-hop for this message (RFC 9110 §7.6.1). */
function namedInConnection(value: string | null | undefined): Set<string> {
  return new Set((value ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));
}

export function forwardedRequestHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const connection = headers.connection;
  const hopByHop = namedInConnection(Array.isArray(connection) ? connection.join(',') : connection);
  const encoding = String(headers['content-encoding'] ?? '').trim().toLowerCase();
  const inflated = encoding !== '' && encoding !== 'identity';
  const forwarded: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (value === undefined || NOT_FORWARDED.has(name) || hopByHop.has(name)) continue;
    if (name === 'content-encoding' || (inflated && DESCRIBE_ENCODED_BODY.includes(name))) continue;
    forwarded[rawName] = Array.isArray(value) ? value.join(', ') : value;
  }
  return forwarded;
}

export function returnedResponseHeaders(headers: Headers): Record<string, string> {
  const hopByHop = namedInConnection(headers.get('connection'));
  const returned: Record<string, string> = {};
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (!NOT_RETURNED.has(lower) && !hopByHop.has(lower)) returned[name] = value;
  });
  return returned;
}
