// Decides where a provider's tokens and secrets may be sent: https to the provider's own hosts, loopback only when allowed.
import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

/** A URL Tributary will not send credentials to; the message says why, without echoing anything the URL could hide. */
export class UrlRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlRefusedError';
  }
}

/** Resolves a host name to its addresses; injectable so tests never ask a real DNS server. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** What the operator allows on top of each provider's own host rules. */
export interface OutboundUrlPolicy {
  /**
   * Development and test stacks run their sandbox providers on http://127.0.0.1: only then are loopback targets
   * (and plain http to them) allowed. Off in production.
   */
  allowLoopback: boolean;
  /** Extra host patterns per provider key (a proxy, a customer's vanity domain), in the catalog's pattern syntax. */
  extraHosts: Record<string, readonly string[]>;
  resolver?: HostResolver;
}

export const STRICT_URL_POLICY: OutboundUrlPolicy = { allowLoopback: false, extraHosts: {} };

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Addresses no provider lives at: private, shared, link-local (cloud metadata), multicast, reserved, unspecified. */
const internal = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['fe80::', 10], ['fc00::', 7], ['ff00::', 8], ['fec0::', 10],
  // Forms that embed an IPv4 address (IPv4-compatible, NAT64, 6to4): judged by refusing them outright.
  ['::', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['2002::', 16],
] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

/** The address family of a literal IP (brackets of an IPv6 URL host removed), or null for a host name. */
function ipFamily(host: string): 'ipv4' | 'ipv6' | null {
  const version = isIP(host);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
}

export function isLoopbackAddress(address: string): boolean {
  const family = ipFamily(address);
  return family !== null && loopback.check(address, family);
}

/** Loopback, private, link-local and other internal addresses, including their IPv4-mapped IPv6 forms. */
export function isInternalAddress(address: string): boolean {
  const family = ipFamily(address);
  return family !== null && internal.check(address, family);
}

/**
 * `api.hubapi.com` matches only itself; `*.salesforce.com` matches any name below salesforce.com (not the bare
 * domain); `api-*.hubapi.com` matches one label like `api-eu1`.
 */
export function hostPatternRegExp(pattern: string): RegExp {
  const labels = pattern.toLowerCase().split('.');
  if (labels.length < 2 || labels.some((label, index) => !/^(\*|[a-z0-9*-]+)$/.test(label) || (label === '*' && index > 0))) {
    throw new Error(`"${pattern}" is not a host pattern (like api.example.com, *.example.com or api-*.example.com)`);
  }
  const source = labels
    .map((label, index) => (label === '*' && index === 0 ? '(?:[a-z0-9-]+\\.)*[a-z0-9-]+' : label.split('*').map(escape).join('[a-z0-9-]+')))
    .join('\\.');
  return new RegExp(`^${source}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}

/** One provider's rules: which URLs may receive its tokens, client secret and refresh tokens. */
export class ProviderUrlRules {
  private readonly patterns: RegExp[];
  private readonly resolver: HostResolver;

  constructor(
    readonly providerKey: string,
    readonly hostPatterns: readonly string[],
    private readonly policy: OutboundUrlPolicy,
  ) {
    this.patterns = [...hostPatterns, ...(policy.extraHosts[providerKey] ?? [])].map(hostPatternRegExp);
    this.resolver = policy.resolver ?? systemResolver;
  }

  get allowsLoopback(): boolean {
    return this.policy.allowLoopback;
  }

  /** The URL, parsed, if credentials may go there; otherwise a UrlRefusedError saying which rule it breaks. */
  check(raw: string | URL): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new UrlRefusedError('is not a URL');
    }
    if (url.username || url.password) throw new UrlRefusedError('must not carry a user name or password');
    // The WHATWG parser has already turned decimal, octal and hex IPv4 forms into dotted quads.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '');
    const loopbackTarget = isLoopbackAddress(host) || isLoopbackName(host);
    if (loopbackTarget) {
      if (!this.policy.allowLoopback) throw new UrlRefusedError(`must not point at a loopback address (${this.providerKey} is not reachable there)`);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UrlRefusedError('must be an http(s) URL');
      return url;
    }
    if (url.protocol !== 'https:') throw new UrlRefusedError('must be an https URL');
    if (ipFamily(host)) {
      const kind = isInternalAddress(host) ? 'a private, link-local or otherwise internal address' : 'an IP address';
      throw new UrlRefusedError(`must name a ${this.providerKey} host, not ${kind}`);
    }
    if (!this.patterns.some((pattern) => pattern.test(host))) {
      throw new UrlRefusedError(`must be on a ${this.providerKey} host (${[...this.hostPatterns, ...(this.policy.extraHosts[this.providerKey] ?? [])].join(', ')})`);
    }
    return url;
  }

  /**
   * At connect time: a permitted host name must not resolve to an internal address (a DNS record pointing a
   * look-alike name at 169.254.169.254). Literal IPs were judged by `check` already.
   */
  async checkResolved(url: URL): Promise<void> {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (ipFamily(host) || (this.policy.allowLoopback && isLoopbackName(host.toLowerCase()))) return;
    let addresses: string[];
    try {
      addresses = await this.resolver(host);
    } catch (error) {
      throw new UrlRefusedError(`host could not be resolved (${(error as { code?: string }).code ?? (error as Error).message})`);
    }
    for (const address of addresses) {
      if (this.policy.allowLoopback && isLoopbackAddress(address)) continue;
      if (isInternalAddress(address)) throw new UrlRefusedError('host resolves to a private, loopback or link-local address');
    }
  }

  /** `check` plus `checkResolved`: the gate before every request that carries a credential. */
  async checkBeforeConnect(raw: string | URL): Promise<URL> {
    const url = this.check(raw);
    await this.checkResolved(url);
    return url;
  }
}
