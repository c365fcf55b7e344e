// The README's Layout table is the architecture: every folder is in it, and every import of the code points down it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
/** Not the project's code: dependencies, build output, local data. */
const NOT_CODE = new Set(['node_modules', 'dist', 'coverage', '.data', '.git']);

/** The folders of the README's `## Layout` table, top to bottom (first cell of each row: one `folder/`). */
function layoutFolders(readme: string): string[] {
  const section = /^## Layout\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Layout" section');
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.map((row) => {
    const cell = row.split('|')[1].trim();
    const folder = /^`([a-z0-9-]+)\/`$/.exec(cell)?.[1];
    if (!folder) throw new Error(`Layout row ${row.slice(0, 60)}… must name exactly one top-level folder as \`folder/\``);
    return folder;
  });
}

/** Every .ts file that is not a test (test/support and fixtures' sync files are code the suite runs, so they count). */
function codeFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (NOT_CODE.has(entry.name) || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return codeFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module a file depends on: imports and re-exports (type-only too), import() and require() of a literal, import('x') types. */
function importedSpecifiers(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specifiers: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) specifiers.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specifiers.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true));
  return specifiers;
}

/** The top-level folder a path of the repository lives in; undefined for a file at the root (package.json). */
function folderOf(path: string): string | undefined {
  const parts = relative(ROOT, path).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

function resolveLocal(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const found = [`${base}.ts`, join(base, 'index.ts'), base].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  if (!found) throw new Error(`${relative(ROOT, from)} imports ${specifier}, which resolves to no file`);
  return found;
}

/** Each import that points up the table, as `file → import (folder is above folder)`. */
function importsPointingUp(order: string[], files: { file: string; text?: string }[]): string[] {
  const rank = new Map(order.map((folder, index) => [folder, index]));
  const found: string[] = [];
  for (const { file, text } of files) {
    const from = folderOf(file);
    if (from === undefined || !rank.has(from)) continue; // reported as a missing folder
    for (const specifier of importedSpecifiers(file, text)) {
      if (!specifier.startsWith('.')) continue;
      const to = folderOf(resolveLocal(file, specifier));
      if (to === undefined || to === from) continue;
      if (!rank.has(to)) {
        found.push(`${relative(ROOT, file)} → ${specifier} (${to}/ is not in the table)`);
      } else if (rank.get(to)! < rank.get(from)!) {
        found.push(`${relative(ROOT, file)} → ${specifier} (${to}/ is listed above ${from}/)`);
      }
    }
  }
  return found;
}

describe("the README's Layout", () => {
  const order = layoutFolders(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const files = codeFiles();

  it('lists every folder that holds code, once, and no folder that does not exist', () => {
    const withCode = [...new Set(files.map((file) => folderOf(file) ?? `${relative(ROOT, file)} (a file at the root)`))];
    const problems = [
      ...withCode.filter((folder) => !order.includes(folder)).map((folder) => `${folder}/ holds code and has no row`),
      ...order.filter((folder, index) => order.indexOf(folder) !== index).map((folder) => `${folder}/ has two rows`),
      ...order.filter((folder) => !existsSync(join(ROOT, folder))).map((folder) => `${folder}/ has a row and does not exist`),
    ];
    expect(problems).toEqual([]);
  });

  it('has every import of the code pointing down the table or within its own folder', () => {
    expect(importsPointingUp(order, files.map((file) => ({ file })))).toEqual([]);
  });

  it('sees an import that points up, whichever way it is written, and lets a downward one through', () => {
    // The reader itself, on scratch source in a real folder: the check above is only as good as what this finds.
    const text = [
      "import type { ProviderDefinition } from '../providers/provider-definition';",
      "import { defineSync } from '../sync';",
      "export { ProviderError } from '../sync/provider-error';",
      "type Catalog = import('../providers/catalog').ProviderCatalog;",
      "const later = () => import('../providers/catalog');",
    ].join('\n');
    const scratch = { file: join(ROOT, 'sync-engine', 'scratch.ts'), text };
    expect(importsPointingUp(['sync-engine', 'providers', 'sync'], [scratch])).toEqual([]);
    expect(importsPointingUp(['providers', 'sync-engine', 'sync'], [scratch])).toEqual([
      'sync-engine/scratch.ts → ../providers/provider-definition (providers/ is listed above sync-engine/)',
      'sync-engine/scratch.ts → ../providers/catalog (providers/ is listed above sync-engine/)',
      'sync-engine/scratch.ts → ../providers/catalog (providers/ is listed above sync-engine/)',
    ]);
  });
});
