// What `npm run replay:capture` checks before it stores a history: no secret of the capture's stack in it.

/**
 * Where any of `secrets` appears in a history file, in clear or inside a payload (payload data is base64 JSON).
 * Returns the JSON paths of the strings that hold one; empty when the file is clean.
 */
export function findSecrets(json: unknown, secrets: string[], path = '$'): string[] {
  const wanted = secrets.filter((secret) => secret.length >= 8);
  if (typeof json === 'string') {
    const decoded = Buffer.from(json, 'base64').toString('utf8');
    return wanted.some((secret) => json.includes(secret) || decoded.includes(secret)) ? [path] : [];
  }
  if (Array.isArray(json)) return json.flatMap((item, i) => findSecrets(item, wanted, `${path}[${i}]`));
  if (json && typeof json === 'object') {
    return Object.entries(json).flatMap(([key, value]) => findSecrets(value, wanted, `${path}.${key}`));
  }
  return [];
}
