import { PendingAuthorizations, type AuthorizationRequest } from '../../../sandbox/common/authorizations';

const REQUEST: AuthorizationRequest = { clientId: 'app', redirectUri: 'http://localhost:3000/oauth/callback', state: 's', codeChallenge: undefined };
const LIFETIME_MS = 60_000;

/** A clock a test moves by hand. */
function manualClock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const codeIn = (location: string) => new URL(location).searchParams.get('code') ?? '';

describe('PendingAuthorizations', () => {
  it('judges code expiry on the sandbox clock it is given, not the wall clock', () => {
    const clock = manualClock();
    const authorizations = new PendingAuthorizations<AuthorizationRequest>(LIFETIME_MS, { prefix: 'c-', bytes: 8 }, clock);
    const fresh = codeIn(authorizations.approve(REQUEST));
    const stale = codeIn(authorizations.approve(REQUEST));
    expect(authorizations.takeCode(fresh)).toEqual({ ...REQUEST, expired: false });
    clock.advance(LIFETIME_MS);
    expect(authorizations.takeCode(stale)).toEqual({ ...REQUEST, expired: true });
    // Spent either way: a code is single-use, expired or not.
    expect(authorizations.takeCode(stale)).toBeUndefined();
  });

  it('lets a consent ticket lapse on the sandbox clock', () => {
    const clock = manualClock();
    const authorizations = new PendingAuthorizations<AuthorizationRequest>(LIFETIME_MS, { prefix: 'c-', bytes: 8 }, clock);
    const answered = authorizations.awaitConsent(REQUEST);
    const abandoned = authorizations.awaitConsent(REQUEST);
    expect(authorizations.takeConsent(answered)).toEqual(REQUEST);
    clock.advance(LIFETIME_MS);
    expect(authorizations.takeConsent(abandoned)).toBeUndefined();
  });
});
