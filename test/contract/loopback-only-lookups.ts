// Keeps the contract run on loopback: host name lookups in this process (the API under test runs here) answer only for loopback.
import dns from 'node:dns';
import { isLoopbackAddress } from '../../security/provider-urls';

type LookupCallback = (error: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void;

function refusal(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (the contract run stays on loopback)`), { code: 'ENOTFOUND' });
}

const isLoopback = (hostname: string) => hostname === 'localhost' || isLoopbackAddress(hostname);

/**
 * Generated requests name real providers' hosts (the document allows `https://*.salesforce.com`), and a connection
 * created with an access token makes the API ask the provider which account it is for. Every connection Node makes
 * (fetch included) looks its host up through `dns.lookup`, and the host rules resolve names through
 * `dns.promises.lookup` first: refusing other names in both means no such request leaves the machine, not even its
 * DNS query. Returns the names refused so far, and a function that restores both.
 */
export function allowOnlyLoopbackLookups(): { refused: string[]; restore: () => void } {
  const original = dns.lookup;
  const originalPromise = dns.promises.lookup;
  const refused: string[] = [];
  const guarded = (hostname: string, options: unknown, callback?: LookupCallback) => {
    if (isLoopback(hostname)) return (original as (...args: unknown[]) => void)(hostname, options, callback);
    refused.push(hostname);
    const done = (typeof options === 'function' ? options : callback) as LookupCallback;
    process.nextTick(() => done(refusal(hostname)));
  };
  const guardedPromise = async (hostname: string, options?: unknown) => {
    if (isLoopback(hostname)) return (originalPromise as (...args: unknown[]) => Promise<unknown>)(hostname, options);
    refused.push(hostname);
    throw refusal(hostname);
  };
  dns.lookup = guarded as typeof dns.lookup;
  dns.promises.lookup = guardedPromise as typeof dns.promises.lookup;
  return {
    refused,
    restore: () => {
      dns.lookup = original;
      dns.promises.lookup = originalPromise;
    },
  };
}
