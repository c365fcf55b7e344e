// Sign-in: a secret key is exchanged once for a session cookie (HttpOnly: no script can read it); the key itself is
// never stored in the browser, and the field is emptied as soon as it was sent.
import { useEffect, useState } from 'preact/hooks';
import { signIn } from '../api/endpoints';
import type { ConsoleSession } from '../api/types';
import { asApiError } from '../components/use-api';

export interface SignInNotice {
  tone: 'ok' | 'bad';
  text: string;
}

export function SignIn({ notice, onSignedIn }: { notice: SignInNotice | null; onSignedIn(session: ConsoleSession): void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'Sign in · Tributary console';
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await signIn(key.trim());
      setKey('');
      onSignedIn(session);
    } catch (failure) {
      const apiError = asApiError(failure);
      setError(apiError.status === 401 ? 'That key is not valid. Check it and try again.' : apiError.message);
      setBusy(false);
    }
  }

  return (
    <main id="main" class="sign-in">
      <p class="app">Tributary console</p>
      <h1>Sign in</h1>
      {notice && (
        <p class={`notice ${notice.tone}`} role="status">
          {notice.text}
        </p>
      )}
      <p>Use a secret key of this Tributary deployment. A read-only key shows everything and changes nothing.</p>
      <form onSubmit={(event) => void submit(event)} aria-label="Sign in">
        <label for="secret-key">Secret key</label>
        <input
          id="secret-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'sign-in-error' : undefined}
        />
        {error && (
          <p id="sign-in-error" class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p class="note">The key is sent once and kept only by the server as a session that ends after 8 hours or when you sign out.</p>
    </main>
  );
}
