// Zoho's data centres: each its own accounts server (OAuth) and API domains, one OAuth app serving them all.
import type { TokenHostFromCallback } from '../provider-definition';

/**
 * Sources: Zoho API Console multi-DC docs and the Zoho CRM SDK's data-centre files (REFERENCE-crms §3.1, §3.8). The
 * API domain is `www.` (production), `sandbox.` or `developer.` below the data centre's zohoapis domain. The UK's
 * `www.zohoapis.uk` is from third-party code only.
 */
const DATA_CENTRES = [
  { name: 'us', accounts: 'accounts.zoho.com', apis: 'zohoapis.com' },
  { name: 'eu', accounts: 'accounts.zoho.eu', apis: 'zohoapis.eu' },
  { name: 'in', accounts: 'accounts.zoho.in', apis: 'zohoapis.in' },
  { name: 'au', accounts: 'accounts.zoho.com.au', apis: 'zohoapis.com.au' },
  { name: 'jp', accounts: 'accounts.zoho.jp', apis: 'zohoapis.jp' },
  { name: 'cn', accounts: 'accounts.zoho.com.cn', apis: 'zohoapis.com.cn' },
  { name: 'ca', accounts: 'accounts.zohocloud.ca', apis: 'zohoapis.ca' },
  { name: 'sa', accounts: 'accounts.zoho.sa', apis: 'zohoapis.sa' },
  { name: 'uk', accounts: 'accounts.zoho.uk', apis: 'zohoapis.uk' },
] as const;

const apiHostsOf = (apis: string) => [`www.${apis}`, `sandbox.${apis}`, `developer.${apis}`];

/** The OAuth callback's `accounts-server` names the data centre; the token answer's `api_domain` must be of the same. */
export const zohoDataCentres: TokenHostFromCallback = {
  queryParameter: 'accounts-server',
  dataCentres: DATA_CENTRES.map((centre) => ({ name: centre.name, tokenHosts: [centre.accounts], apiHosts: apiHostsOf(centre.apis) })),
};

/** Every host a Zoho connection's credentials may go to: each data centre's accounts server and API domains. */
export const zohoHosts: string[] = DATA_CENTRES.flatMap((centre) => [centre.accounts, ...apiHostsOf(centre.apis)]);
