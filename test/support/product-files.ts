// The product's own TypeScript files, for tests that check a decision is spelled in one place only.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Not the product: tests, the fake providers, dependencies and build output. */
const NOT_PRODUCT = new Set(['node_modules', 'test', 'sandbox', 'dist', 'coverage']);

function productFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (NOT_PRODUCT.has(entry.name) || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? productFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The product files (paths from the repository's root) whose text matches `pattern`. */
export function productFilesMatching(pattern: RegExp): string[] {
  return productFiles()
    .filter((file) => pattern.test(readFileSync(file, 'utf8')))
    .map((file) => relative(ROOT, file));
}
