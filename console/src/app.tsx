// The console: asks the API whether a session exists, shows sign-in when not, and otherwise the pages by URL.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LocationProvider, Route, Router } from 'preact-iso/router';
import { currentSession, signOut } from './api/endpoints';
import { setCsrfToken, whenSessionLost } from './api/http';
import type { ConsoleSession } from './api/types';
import { Layout } from './components/layout';
import { ConnectionPage } from './pages/connection';
import { ConnectionsPage } from './pages/connections';
import { IntegrationsPage } from './pages/integrations';
import { LogsPage } from './pages/logs';
import { NotFoundPage } from './pages/not-found';
import { OverviewPage } from './pages/overview';
import { RecordsPage } from './pages/records';
import { RunPage } from './pages/run';
import { SignIn, type SignInNotice } from './pages/sign-in';
import { SessionContext, type SignedIn } from './session';

type SessionState = { kind: 'checking' } | { kind: 'signed-out'; notice: SignInNotice | null } | { kind: 'signed-in'; session: ConsoleSession };

export function App() {
  const [state, setState] = useState<SessionState>({ kind: 'checking' });

  useEffect(() => {
    whenSessionLost(() => {
      setCsrfToken(null);
      setState({ kind: 'signed-out', notice: { tone: 'bad', text: 'Your session has ended. Sign in again to continue.' } });
    });
    currentSession().then(
      (session) => {
        setCsrfToken(session.csrfToken);
        setState({ kind: 'signed-in', session });
      },
      () => setState({ kind: 'signed-out', notice: null }),
    );
  }, []);

  const signedIn = useMemo<SignedIn | null>(() => {
    if (state.kind !== 'signed-in') return null;
    return {
      session: state.session,
      canAct: state.session.scope === 'admin',
      async signOut() {
        await signOut().catch(() => undefined);
        setCsrfToken(null);
        setState({ kind: 'signed-out', notice: { tone: 'ok', text: 'You are signed out.' } });
      },
    };
  }, [state]);

  if (state.kind === 'checking') {
    return (
      <p class="boot" role="status">
        Loading the Tributary console…
      </p>
    );
  }
  if (state.kind === 'signed-out' || !signedIn) {
    return (
      <SignIn
        notice={state.kind === 'signed-out' ? state.notice : null}
        onSignedIn={(session) => {
          setCsrfToken(session.csrfToken);
          setState({ kind: 'signed-in', session });
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={signedIn}>
      <LocationProvider scope="/console">
        <Layout>
          <Router>
            <Route path="/console" component={OverviewPage} />
            <Route path="/console/connections" component={ConnectionsPage} />
            <Route path="/console/connections/:connectionId" component={ConnectionPage} />
            <Route path="/console/connections/:connectionId/runs/:runId" component={RunPage} />
            <Route path="/console/connections/:connectionId/records/:model" component={RecordsPage} />
            <Route path="/console/logs" component={LogsPage} />
            <Route path="/console/integrations" component={IntegrationsPage} />
            <Route default component={NotFoundPage} />
          </Router>
        </Layout>
      </LocationProvider>
    </SessionContext.Provider>
  );
}
