// The sandboxes `npm run dev` offers beside the Salesforce one: each can start, binds ports no other dev service
// uses, and prints an integration the API would accept for a catalog provider.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_SANDBOXES } from '../../../devstack/dev-sandboxes';
import { DEV_PORTS } from '../../../devstack/dev-stack-address';
import { providerCatalog } from '../../../providers/catalog';

const root = join(__dirname, '..', '..', '..');

describe('the sandboxes npm run dev offers', () => {
  test.each(DEV_SANDBOXES.map((sandbox) => [sandbox.name, sandbox] as const))('%s has its entry file, and names a catalog provider', (_name, sandbox) => {
    expect(existsSync(join(root, sandbox.entry))).toBe(true);
    expect(providerCatalog.keys()).toContain(sandbox.integration.provider);
    for (const field of ['authorizationUrl', 'tokenUrl'] as const) {
      const url = new URL(String(sandbox.integration[field]));
      // On a port the sandbox binds, so the printed integration reaches it.
      expect(sandbox.ports.map((bound) => `${bound.host}:${bound.port}`)).toContain(`${url.hostname}:${url.port}`);
    }
  });

  test('no two dev services bind the same port', () => {
    const ports = [...Object.values(DEV_PORTS), ...DEV_SANDBOXES.flatMap((sandbox) => sandbox.ports.map((bound) => bound.port))];
    const repeated = ports.filter((port, index) => ports.indexOf(port) !== index);
    expect(repeated).toEqual([]);
  });
});
