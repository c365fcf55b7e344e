// A provider's catalog entry (providers/<key>/<key>.provider.ts): what it lists now, and its text with one more sync or
// action listed, computed before anything is written so a file it cannot edit refuses the whole scaffold.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ProviderDefinition } from '../../providers/provider-definition';
import { ScaffoldError } from './scaffold-error';

export interface ProviderEntry {
  key: string;
  /** providers/<key>/ */
  dir: string;
  /** providers/<key>/<key>.provider.ts */
  file: string;
  /** The name the entry file exports the definition under (`salesforce`). */
  exportName: string;
  definition: ProviderDefinition;
}

export function findProviderEntry(root: string, key: string): ProviderEntry {
  const dir = join(root, 'providers', key);
  const file = join(dir, `${key}.provider.ts`);
  const shown = relative(root, file);
  if (!existsSync(file)) throw new ScaffoldError(`no provider "${key}": ${shown} does not exist (a provider is a folder providers/<key>/ with its entry <key>.provider.ts)`);
  // What the file says now, not what this process loaded before (a second scaffold in one process).
  delete require.cache[require.resolve(file)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the entry of a provider named at run time
  const exports = require(file) as Record<string, unknown>;
  const found = Object.entries(exports).find(([, value]) => (value as Partial<ProviderDefinition> | null)?.key === key && Array.isArray((value as ProviderDefinition).syncs));
  if (!found) throw new ScaffoldError(`${shown} exports no provider definition with key "${key}"`);
  return { key, dir, file, exportName: found[0], definition: found[1] as ProviderDefinition };
}

/** The entry's text with `exportName` imported from `module` and added to its `syncs` or `actions` list. */
export function listedInEntry(text: string, file: string, list: 'syncs' | 'actions', exportName: string, module: string): string {
  const withImport = addImport(text, file, `import { ${exportName} } from '${module}';`);
  const lists = listsOf(withImport, list);
  if (lists.length > 1) throw new ScaffoldError(`${file} has ${lists.length} \`${list}: [...]\` lists; add ${exportName} to the right one by hand`);
  if (lists.length === 1) {
    const { start, end } = lists[0];
    return `${withImport.slice(0, start)}${appendItem(withImport.slice(start, end), exportName)}${withImport.slice(end)}`;
  }
  if (list === 'actions') {
    // `actions: salesforceActions,`: a list kept elsewhere; spread it and add the new one beside it.
    const named = /(\bactions:\s*)([A-Za-z_$][\w$]*)(\s*,)/;
    if (named.test(withImport)) return withImport.replace(named, (_whole, key: string, value: string, comma: string) => `${key}[...${value}, ${exportName}]${comma}`);
    // No actions yet: a list of one, just before the syncs.
    const syncs = /^([ \t]*)syncs:/m;
    if (syncs.test(withImport)) return withImport.replace(syncs, (whole, indent: string) => `${indent}actions: [${exportName}],\n${whole}`);
  }
  throw new ScaffoldError(`${file} has no \`${list}: [...]\` list this can add to; list ${exportName} there by hand`);
}

/** Where the items of each `<key>: [ … ]` sit (between the brackets), brackets inside items (`a.b[0]`) matched. */
function listsOf(text: string, key: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (const match of text.matchAll(new RegExp(`\\b${key}:\\s*\\[`, 'g'))) {
    const start = (match.index ?? 0) + match[0].length;
    let depth = 1;
    let at = start;
    for (; at < text.length && depth > 0; at++) {
      if (text[at] === '[') depth++;
      else if (text[at] === ']') depth--;
    }
    if (depth === 0) found.push({ start, end: at - 1 });
  }
  return found;
}

function addImport(text: string, file: string, line: string): string {
  const imports = [...text.matchAll(/^import .+;$/gm)];
  const last = imports.at(-1);
  if (!last || last.index === undefined) throw new ScaffoldError(`${file} has no import lines to add "${line}" after`);
  const end = last.index + last[0].length;
  return `${text.slice(0, end)}\n${line}${text.slice(end)}`;
}

/** One more item, in the list's own layout: `[a, b]` → `[a, b, c]`; one item a line → one more line. */
function appendItem(items: string, item: string): string {
  if (items.trim() === '') return item;
  if (!items.includes('\n')) return `${items.replace(/,\s*$/, '')}, ${item}`;
  const lines = items.split('\n');
  const indent = /^(\s*)/.exec(lines.find((candidate) => candidate.trim() !== '') ?? '')?.[1] ?? '  ';
  const closing = items.slice(items.trimEnd().length);
  return `${items.trimEnd().replace(/,?$/, ',')}\n${indent}${item},${closing}`;
}

export function readEntry(entry: ProviderEntry): string {
  return readFileSync(entry.file, 'utf8');
}
