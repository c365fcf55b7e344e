// The pages a customer's browser sees while connecting: the connect screen and its result pages, in one style.
// Every dynamic text is escaped; no scripts and no external resources, so nothing on them can leak the URL they were
// reached by, and they work with a keyboard and a screen reader (lang, headings, a labelled form, visible focus).

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
  :root { color-scheme: light; --ink: #1d2433; --muted: #566074; --accent: #0b5cad; --ok: #17693a; --bad: #a4262c; }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
    font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #eef1f6; }
  main { width: min(30rem, 100% - 2rem); margin: 2rem auto; padding: 2rem; background: #fff; border-radius: 12px;
    box-shadow: 0 1px 3px rgb(0 0 0 / 12%), 0 8px 24px rgb(0 0 0 / 6%); }
  .app { margin: 0 0 1.25rem; font-size: .875rem; font-weight: 600; letter-spacing: .04em; text-transform: uppercase; color: var(--muted); }
  h1 { margin: 0 0 1rem; font-size: 1.5rem; line-height: 1.25; }
  h2 { margin: 1.25rem 0 .5rem; font-size: 1rem; }
  ul { margin: 0 0 1rem; padding-left: 1.25rem; }
  li { margin: .25rem 0; }
  p { margin: 0 0 1rem; }
  .note { font-size: .875rem; color: var(--muted); }
  .ok h1 { color: var(--ok); }
  .bad h1 { color: var(--bad); }
  button { width: 100%; margin-top: .5rem; padding: .75rem 1rem; border: 0; border-radius: 8px; font: inherit;
    font-weight: 600; color: #fff; background: var(--accent); cursor: pointer; }
  button:hover { background: #084a8c; }
  button:focus-visible { outline: 3px solid #f2a900; outline-offset: 3px; }
  label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
  input[type=text] { width: 100%; padding: .625rem .75rem; border: 1px solid #8a93a6; border-radius: 8px; font: inherit; color: var(--ink); }
  input[type=text]:focus-visible { outline: 3px solid #f2a900; outline-offset: 1px; }
  input[aria-invalid=true] { border-color: var(--bad); }
  .error { color: var(--bad); font-weight: 600; }
`;

interface PageOptions {
  /** The document title and the page's only h1. */
  title: string;
  /** The app the customer is connecting to (TRIBUTARY_APP_NAME), named above the heading. */
  appName: string;
  tone?: 'ok' | 'bad';
  /** Already escaped HTML. */
  bodyHtml: string;
}

function page({ title, appName, tone, bodyHtml }: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(appName)}</title>
<style>${STYLE}</style>
</head>
<body>
<main${tone ? ` class="${tone}"` : ''}>
<p class="app">${escapeHtml(appName)}</p>
<h1>${escapeHtml(title)}</h1>
${bodyHtml}
</main>
</body>
</html>
`;
}

export interface ConnectScreen {
  appName: string;
  providerName: string;
  /** What the app will be able to do, in plain words, one line each. */
  permissions: string[];
  /** Where the form posts: the connect URL's path. */
  action: string;
  /** The form's hidden fields: the connect link's own parameters. */
  fields: Record<string, string>;
  /** Fields the customer fills in before sign-in (a provider's connect inputs), posted as `input.<name>`. */
  inputs?: { name: string; label: string; example: string; value: string }[];
  /** Why the last attempt was refused (a connect input the rules do not allow), and which input it names. */
  error?: { message: string; input: string | null };
}

/** Before anything is spent: what connecting means, and a button that does it (a POST, so link scanners spend nothing). */
export function connectScreenPage(screen: ConnectScreen): string {
  const app = escapeHtml(screen.appName);
  const provider = escapeHtml(screen.providerName);
  const hidden = Object.entries(screen.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const permissions = screen.permissions.map((line) => `<li>${escapeHtml(line)}</li>`).join('\n');
  const error = screen.error ? `<p class="error" role="alert" id="connect-error">${escapeHtml(screen.error.message)}</p>\n` : '';
  // Text, not type=url: a host name typed without https:// is fine (the server adds it), and the server's rules decide.
  const inputs = (screen.inputs ?? [])
    .map((input) => {
      const id = `input-${escapeHtml(input.name)}`;
      const invalid = screen.error?.input === input.name;
      return `<label for="${id}">${escapeHtml(input.label)}</label>
<input type="text" id="${id}" name="input.${escapeHtml(input.name)}" value="${escapeHtml(input.value)}" placeholder="${escapeHtml(input.example)}" required inputmode="url" autocomplete="url" autocapitalize="off" spellcheck="false"${invalid ? ' aria-invalid="true" aria-describedby="connect-error"' : ''}>`;
    })
    .join('\n');
  return page({
    title: `Connect your ${screen.providerName} account`,
    appName: screen.appName,
    bodyHtml: `<p>${app} asks to connect to your ${provider} account.</p>
<h2 id="permissions">${app} will be able to</h2>
<ul aria-labelledby="permissions">
${permissions}
</ul>
<p class="note">You sign in on ${provider}'s own page; ${app} never sees your password. Continue only if you started this from ${app}.</p>
${error}<form method="post" action="${escapeHtml(screen.action)}" aria-label="Connect your ${provider} account">
${hidden}${inputs ? `\n${inputs}` : ''}
<button type="submit">Connect ${provider}</button>
</form>`,
  });
}

export function connectedPage(appName: string, providerName: string, connectionId: string): string {
  return page({
    title: 'Connected',
    appName,
    tone: 'ok',
    bodyHtml: `<p role="status">Your ${escapeHtml(providerName)} account is connected (${escapeHtml(connectionId)}). ${escapeHtml(appName)} starts reading it now.</p>
<p class="note">You can close this window.</p>`,
  });
}

export function errorPage(appName: string, status: number, message: string): string {
  const title = status >= 500 && status !== 503 ? 'Something went wrong' : 'Could not connect your account';
  return page({
    title,
    appName,
    tone: 'bad',
    bodyHtml: `<p role="alert">${escapeHtml(message)}</p>
<p class="note">You can close this window.</p>`,
  });
}
