// Keeps the contract run on loopback: host name lookups in this process (the API under test runs here) answer only for loopback.
import dns from 'node:dns';
import { isLoopbackAddress } from '../../security/provider-urls';

type LookupCallback = (error: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void;

/**
 * Generated requests name real providers' hosts (the document allows `https://*.salesforce.com`), and a connection
 * created with an access token makes the API ask the provider which account it is for. Every connection Node makes
 * (fetch included) looks its host up through `dns.lookup`, so refusing other names here means no such request ever
 * leaves the machine, not even its DNS query. Returns the names refused so far, and a function that restores lookups.
 */
export function allowOnlyLoopbackLookups(): { refused: string[]; restore: () => void } {
  const original = dns.lookup;
  const refused: string[] = [];
  const guarded = (hostname: string, options: unknown, callback?: LookupCallback) => {
    const done = (typeof options === 'function' ? options : callback) as LookupCallback;
    if (hostname === 'localhost' || isLoopbackAddress(hostname)) return (original as (...args: unknown[]) => void)(hostname, options, callback);
    refused.push(hostname);
    const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (the contract run stays on loopback)`), { code: 'ENOTFOUND' });
    process.nextTick(() => done(error));
  };
  dns.lookup = guarded as typeof dns.lookup;
  return { refused, restore: () => void (dns.lookup = original) };
}
