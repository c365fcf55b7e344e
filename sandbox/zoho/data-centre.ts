// One Zoho data centre: its location name and the two hosts it answers on (an accounts server for OAuth, an API
// domain for the CRM), each a loopback listener of its own since the sandbox's traffic never leaves the machine.

export class DataCentre {
  /** Set once its listeners run, e.g. http://127.0.0.1:40123 (no trailing slash): the redirect's `accounts-server`. */
  accountsUrl = '';
  /** The token answer's `api_domain`. */
  apiUrl = '';

  constructor(readonly location: string) {}
}
