// The few HTML pages a customer's browser sees at the end of the connect flow; every dynamic text is escaped.

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A plain page: no scripts, no external resources, so nothing on it can leak the URL it was reached by. */
export function htmlPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</body>
</html>
`;
}

export function connectedPage(providerName: string, connectionId: string): string {
  return htmlPage('Connected', `Your ${providerName} account is connected (${connectionId}). You can close this window.`);
}

export function errorPage(status: number, message: string): string {
  return htmlPage(status >= 500 && status !== 503 ? 'Something went wrong' : 'Could not connect your account', message);
}
