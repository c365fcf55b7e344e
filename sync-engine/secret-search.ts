// Finds known secret values in text in every form they take there (raw, JSON-escaped, percent- or form-encoded), and
// names the place in a JSON document where each one sits, without ever echoing the value.

export interface NamedSecret {
  /** What it is ("access token"): the only thing an error may say about it. */
  label: string;
  value: string;
}

/** The forms a value takes inside a URL: as is, percent-encoded (encodeURIComponent) and form-encoded (URLSearchParams). */
export function urlForms(value: string): string[] {
  const forms = [value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)];
  // Longest first: replacing the raw value first would leave half of an encoded one behind.
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/** Percent-escapes may come in either case (`%2F`, `%2f`), so encoded forms compare case-insensitively. */
function contains(text: string, value: string): boolean {
  const lower = text.toLowerCase();
  if (text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1))) return true;
  return urlForms(value)
    .filter((form) => form !== value)
    .some((form) => lower.includes(form.toLowerCase()));
}

/**
 * Every secret found in `text` (the serialized document), each with where it sits in `document` (the same text
 * parsed), e.g. `exchanges[2].response.body.debug.token`. Found in the text but at no one place (split across
 * fields?), it is reported at "the serialized text": refusing is what matters.
 */
export function findSecrets(text: string, document: unknown, secrets: readonly NamedSecret[]): { label: string; where: string }[] {
  const found: { label: string; where: string }[] = [];
  for (const secret of secrets) {
    if (!contains(text, secret.value)) continue;
    const places = placesOf(document, secret.value, '', secrets);
    if (places.length === 0) found.push({ label: secret.label, where: 'the serialized text' });
    for (const where of places) found.push({ label: secret.label, where });
  }
  return found;
}

/** A path names keys as they are, except a key that holds any secret: the error must not echo one. */
function placesOf(value: unknown, secret: string, path: string, all: readonly NamedSecret[]): string[] {
  if (typeof value === 'string') return contains(value, secret) ? [path || '(top)'] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => placesOf(item, secret, `${path}[${index}]`, all));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      const secretKey = all.some((other) => contains(key, other.value));
      const name = secretKey ? '[a key holding a secret]' : /^[A-Za-z_$][\w$]*$/.test(key) ? `${path ? '.' : ''}${key}` : `[${JSON.stringify(key)}]`;
      const here = `${path}${name}`;
      return [...(contains(key, secret) ? [here] : []), ...placesOf(item, secret, here, all)];
    });
  }
  return [];
}
