// The consent page a browser sees at authorize when consent is not automatic: the question, Allow and Deny.

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The provider's wording; all of it is trusted HTML except `ticket`, which is escaped here. */
export interface ConsentPage {
  title: string;
  heading: string;
  /** What the app asks for, with any scope already escaped. */
  requestHtml: string;
  /** The authorize path the form posts back to. */
  action: string;
  ticket: string;
  allowLabel: string;
  denyLabel: string;
}

export function consentPage(page: ConsentPage): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${page.title}</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto">
<h1>${page.heading}</h1>
<p>${page.requestHtml}</p>
<form method="post" action="${page.action}">
<input type="hidden" name="ticket" value="${escapeHtml(page.ticket)}">
<button type="submit" name="decision" value="allow">${page.allowLabel}</button>
<button type="submit" name="decision" value="deny">${page.denyLabel}</button>
</form>
</body>
</html>`;
}
