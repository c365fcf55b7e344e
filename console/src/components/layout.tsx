// The frame around every page: a skip link, the header with the main navigation and who is signed in, and <main>.
import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso/router';
import { ScopeBadge } from './badges';
import { useSession } from '../session';

const NAV = [
  { href: '/console', label: 'Overview', matches: (path: string) => path === '/console' },
  { href: '/console/connections', label: 'Connections', matches: (path: string) => path.startsWith('/console/connections') },
  { href: '/console/logs', label: 'Logs', matches: (path: string) => path.startsWith('/console/logs') },
  { href: '/console/integrations', label: 'Integrations', matches: (path: string) => path.startsWith('/console/integrations') },
];

export function Layout({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const { session, signOut } = useSession();
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <p class="brand">Tributary console</p>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={item.matches(path) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            Signed in as <strong>{session.keyName}</strong>
          </span>{' '}
          <ScopeBadge scope={session.scope} />
          <button type="button" class="link-button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
