// Decides whether a connect form POST came from Tributary's own connect screen, or from another site (account injection).
import type { IncomingHttpHeaders } from 'node:http';

export type FormOriginVerdict =
  | { accepted: true; by: 'sec-fetch-site' | 'origin' | 'screen-nonce' }
  | { accepted: false; reason: string };

/**
 * A browser's own word decides when it gave one; the screen's nonce cookie stands in when it did not:
 *
 * 1. `Sec-Fetch-Site` (every current browser; a page cannot set or remove it): `same-origin` is accepted, `same-site`
 *    and `cross-site` are refused. `none` (a navigation the user started, never a form) proves nothing either way.
 * 2. Without it, `Origin`: the public URL's origin is accepted, any other origin refused. `Origin: null` proves
 *    nothing: our own pages send it (their `Referrer-Policy: no-referrer` makes browsers null the Origin of a form
 *    POST), and so can an attacker's page.
 * 3. Otherwise (an older browser, or a privacy proxy that strips both headers): the form must echo the nonce of the
 *    SameSite=Strict cookie its connect screen set, which a browser never sends with another site's form and which
 *    another site cannot read.
 */
export function judgeConnectFormOrigin(
  headers: IncomingHttpHeaders,
  publicOrigin: string,
  screenNonceMatches: () => boolean,
): FormOriginVerdict {
  const site = single(headers['sec-fetch-site'])?.toLowerCase();
  const origin = single(headers.origin);
  if (site === 'same-origin') return { accepted: true, by: 'sec-fetch-site' };
  if (site !== undefined && site !== 'none') return { accepted: false, reason: `Sec-Fetch-Site: ${site.slice(0, 40)}` };
  if (site === undefined && origin !== undefined && origin !== 'null') {
    return origin === publicOrigin ? { accepted: true, by: 'origin' } : { accepted: false, reason: `Origin: ${origin.slice(0, 200)}` };
  }
  if (screenNonceMatches()) return { accepted: true, by: 'screen-nonce' };
  return { accepted: false, reason: "no same-origin header, and the form did not echo its connect screen's cookie" };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
