// Lint rules that protect the two things most likely to break silently here:
// promises nobody awaits, and workflow code that reaches for I/O (non-deterministic on replay).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// A provider is its folder: the engine names none, so a new provider touches only providers/<name>/, its sandbox and
// the registration line in providers/catalog.ts. The names are the provider folders themselves, so a new folder is
// covered the day it appears. Comments may still name one as an example: they are not code, and the rule cannot see them.
const engineFolders = ['api', 'activities', 'workflows', 'store', 'security', 'contracts', 'oauth', 'sync', 'sync-engine', 'unified-model', 'worker', 'client', 'errors', 'observability', 'config'];
const providerFolders = readdirSync(new URL('./providers/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const providerName = `/${providerFolders.join('|')}/i`;
const providerRule = (selector, what) => ({ selector, message: `${what}: the engine names no provider; put what a provider knows in its catalog entry (providers/<name>/).` });
const providerFolderImport = String.raw`/(^|[\/])providers[\/][^\/]+[\/]/`;
// Apps load the typed client: nothing it imports may import providers/, not even by type (the catalog is every provider).
const clientLoadsNoProvider = {
  regex: String.raw`(^|/)providers(/|$)`,
  message: 'The typed client and the schemas it loads know no provider: take the catalog as a parameter on the server side (see api/openapi-providers.ts).',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows must be deterministic: do I/O in activities.' })),
          patterns: [
            { group: ['**/activities/*', '**/store/*', '**/api/*', '**/worker/*', '**/sandbox/*', '**/sync/*', '**/sync-engine/*', '**/unified-model/*', '**/providers/*'], allowTypeImports: true, message: 'Workflows may import these by type only.' },
            { group: ['mongodb', 'express', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Not allowed in workflow code.' },
          ],
        },
      ],
    },
  },
  {
    // The client ships to apps: the route table and the schemas, never the server's Express adapter or its I/O, nor
    // any provider's code (the catalog loads every provider's syncs and parsers).
    files: ['client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '/api/(?!openapi-routes$|schemas$)', message: 'The client may import only api/openapi-routes and api/schemas.' },
            { group: ['express', 'mongodb', 'pino', '@temporalio/*'], message: 'Not allowed in the client.' },
            clientLoadsNoProvider,
          ],
        },
      ],
    },
  },
  {
    // What the client imports of the API: they know no provider; the server's OpenAPI document names the catalog's.
    files: ['api/schemas.ts', 'api/openapi-routes.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [clientLoadsNoProvider] }] },
  },
  {
    files: engineFolders.map((folder) => `${folder}/**/*.ts`),
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['ImportDeclaration', 'ImportExpression', 'ExportNamedDeclaration', 'ExportAllDeclaration'].map((node) =>
          providerRule(`${node}[source.value=${providerFolderImport}]`, 'Imports a provider folder'),
        ),
        providerRule(`TSImportType[argument.literal.value=${providerFolderImport}]`, 'Imports a provider folder'),
        providerRule(`Identifier[name=${providerName}]`, 'Names a provider'),
        providerRule(`Literal[value=${providerName}]`, 'Spells a provider name'),
        providerRule(`TemplateElement[value.raw=${providerName}]`, 'Spells a provider name'),
        { selector: 'Literal[value=11000]', message: "MongoDB's duplicate-key code is read in one place: use isDuplicateKey / duplicateKeyIndexes (store/duplicate-key.ts)." },
      ],
    },
  },
  {
    // Use cases speak the domain: the workflow gateway (api/connection-workflows.ts) translates Temporal's errors.
    files: ['api/use-cases/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@temporalio/*'], message: 'Go through api/connection-workflows.ts.' }] }],
    },
  },
  {
    // The console runs in the browser: it borrows the API's types, never its code (zod and the schemas would ship),
    // keeps nothing in browser storage (the session is an HttpOnly cookie), and renders every value as text.
    files: ['console/src/**/*.ts', 'console/src/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/api/schemas', '**/api/openapi-routes', '**/client/*', 'zod', 'express', 'mongodb', 'pino', '@temporalio/*'],
              allowTypeImports: true,
              message: "The console may import only the API's types (import type).",
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['localStorage', 'sessionStorage', 'indexedDB'].map((name) => ({ name, message: 'The console keeps nothing in the browser: the session is an HttpOnly cookie.' })),
        ...['process', 'Buffer', 'require'].map((name) => ({ name, message: 'Browser code: Node globals do not exist there.' })),
      ],
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML'].map((property) => ({ property, message: 'Provider and customer data render as text, never as HTML.' })),
        ...['localStorage', 'sessionStorage'].map((property) => ({ object: 'window', property, message: 'The console keeps nothing in the browser.' })),
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Provider and customer data render as text, never as HTML.' },
      ],
    },
  },
);
