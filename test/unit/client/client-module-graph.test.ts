// Apps load the typed client: loading it must load no provider's code (the catalog brings every provider's syncs,
// parsers and their dependencies), whatever the client imports imports in turn.
import { join, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const PROVIDERS = join(ROOT, 'providers') + sep;

/** Every file of this repository a fresh module registry holds after requiring `path`, relative to the root. */
function modulesLoadedBy(path: string): string[] {
  let loaded: string[] = [];
  jest.isolateModules(() => {
    jest.requireActual(path);
    // Jest's require.cache lists the isolated registry's modules while isolateModules runs.
    loaded = Object.keys(require.cache);
  });
  return loaded.filter((file) => file.startsWith(ROOT) && !file.includes(`${sep}node_modules${sep}`)).map((file) => relative(ROOT, file));
}

describe("the typed client's module graph", () => {
  test('holds no file under providers/', () => {
    const loaded = modulesLoadedBy(join(ROOT, 'client'));
    // What an app does load: the client, the route table and the schemas.
    expect(loaded).toEqual(expect.arrayContaining([join('client', 'index.ts'), join('api', 'openapi-routes.ts'), join('api', 'schemas.ts')]));
    expect(loaded.filter((file) => join(ROOT, file).startsWith(PROVIDERS))).toEqual([]);
  });

  test('sees the provider files a module that does load the catalog loads, so the check above can fail', () => {
    const loaded = modulesLoadedBy(join(ROOT, 'providers', 'catalog'));
    expect(loaded).toEqual(expect.arrayContaining([join('providers', 'catalog.ts')]));
    expect(loaded.filter((file) => join(ROOT, file).startsWith(PROVIDERS)).length).toBeGreaterThan(5);
  });
});
