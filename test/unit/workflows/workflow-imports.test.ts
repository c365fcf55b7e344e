// What the workflow bundle runs: every module reached by a value import from workflows/ must be workflow code or a
// shared contract, never an engine module whose changes nobody reviews for determinism.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..', '..');
/** Folders whose code may run inside the Temporal sandbox. */
const WORKFLOW_SAFE_FOLDERS = ['workflows/', 'contracts/'];
/** Packages that are made for the sandbox. */
const WORKFLOW_SAFE_PACKAGES = ['@temporalio/workflow', '@temporalio/common'];

/** The specifiers a file imports or re-exports at run time (type-only imports are erased by the bundler). */
function valueImports(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const bindings = clause?.namedBindings;
      const onlyTypes = clause && !clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      const clause = statement.exportClause;
      const onlyTypes = clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers;
}

function resolveLocal(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const found = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`${relative(ROOT, from)} imports ${specifier}, which resolves to no .ts file`);
  return found;
}

/** Every module the workflow entry reaches, as `importer → imported` for each import that leaves the safe set. */
function importsOutsideTheSandbox(entry: string): string[] {
  const seen = new Set<string>();
  const outside: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of valueImports(file)) {
      if (!specifier.startsWith('.')) {
        if (!WORKFLOW_SAFE_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`))) outside.push(`${relative(ROOT, file)} → ${specifier}`);
        continue;
      }
      const target = resolveLocal(file, specifier);
      const path = relative(ROOT, target);
      if (!WORKFLOW_SAFE_FOLDERS.some((folder) => path.startsWith(folder))) {
        outside.push(`${relative(ROOT, file)} → ${path}`);
        continue;
      }
      visit(target);
    }
  };
  visit(entry);
  return outside;
}

describe('workflow code and what it imports', () => {
  it('reaches only workflows/, contracts/ and the Temporal workflow packages at run time', () => {
    expect(importsOutsideTheSandbox(join(ROOT, 'workflows', 'index.ts'))).toEqual([]);
  });

  it('sees an engine module imported by value, and lets a type-only import through', () => {
    // The reader itself, on scratch source: the walk above is only as good as what this keeps.
    const source = [
      "import type { A } from '../sync/a';",
      "import { type B } from '../sync/b';",
      "import { c, type C } from '../sync/c';",
      "export type { D } from '../sync/d';",
      "export { e } from '../sync/e';",
    ].join('\n');
    expect(valueImports(join(ROOT, 'workflows', 'scratch.ts'), source)).toEqual(['../sync/c', '../sync/e']);
  });
});
