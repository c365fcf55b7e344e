// `npm run new`'s story: a sync (or an action) file, its recording test and a starting recording from the kit's
// templates, listed in the provider's catalog entry; every name checked and nothing overwritten, all before writing.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { findProviderEntry, listedInEntry, readEntry, type ProviderEntry } from './provider-entry';
import { ScaffoldError } from './scaffold-error';
import { renderTemplate, type TemplateName } from './templates';

export type ScaffoldKind = 'sync' | 'action';

export interface ScaffoldedFile {
  /** Relative to the root. */
  path: string;
  what: string;
}

export interface Scaffolded {
  written: ScaffoldedFile[];
  changed: ScaffoldedFile[];
  /** Commands (and edits) to do next, in order. */
  next: string[];
}

/** The catalog's rules (providers/catalog.ts validates models the same way, defineAction names). */
const MODEL_NAME = /^[a-z][a-z0-9_]*$/;
const ACTION_NAME = /^[a-z][a-z0-9-]*$/;

export function scaffold(root: string, kind: ScaffoldKind, providerKey: string, name: string): Scaffolded {
  if (!/^[a-z][a-z0-9-]*$/.test(providerKey)) throw new ScaffoldError(`provider "${providerKey}" is not a provider key (lower-case letters, digits and dashes)`);
  if (kind === 'sync' && !MODEL_NAME.test(name)) throw new ScaffoldError(`model "${name}" must be lower-case letters, digits and underscores, starting with a letter (it names the model in the API)`);
  if (kind === 'action' && !ACTION_NAME.test(name)) throw new ScaffoldError(`action "${name}" must be lower-case words joined by dashes, like create-task (it names POST /connections/:id/actions/${name})`);
  const entry = findProviderEntry(root, providerKey);
  if (kind === 'sync' && entry.definition.syncs.some((sync) => sync.model === name)) throw new ScaffoldError(`${entry.definition.displayName} already has a model "${name}"`);
  if (kind === 'action' && entry.definition.actions?.some((action) => action.name === name)) throw new ScaffoldError(`${entry.definition.displayName} already has an action "${name}"`);

  const plan = kind === 'sync' ? syncFiles(root, entry, name) : actionFiles(root, entry, name);
  const existing = plan.files.filter((file) => existsSync(file.path));
  if (existing.length > 0) {
    throw new ScaffoldError(`refusing to overwrite ${existing.map((file) => relative(root, file.path)).join(', ')}: nothing was written`);
  }
  const entryText = listedInEntry(readEntry(entry), relative(root, entry.file), kind === 'sync' ? 'syncs' : 'actions', plan.exportName, plan.entryImport);

  for (const file of plan.files) {
    mkdirSync(dirname(file.path), { recursive: true });
    // 'wx': a file that appeared since the check is still not overwritten.
    writeFileSync(file.path, file.text, { flag: 'wx' });
  }
  writeFileSync(entry.file, entryText);
  return {
    written: plan.files.map((file) => ({ path: relative(root, file.path), what: file.what })),
    changed: [{ path: relative(root, entry.file), what: `lists ${plan.exportName} in its ${kind === 'sync' ? 'syncs' : 'actions'}` }],
    next: plan.next,
  };
}

interface Plan {
  exportName: string;
  /** How the entry file imports the new file. */
  entryImport: string;
  files: { path: string; text: string; what: string }[];
  next: string[];
}

function syncFiles(root: string, entry: ProviderEntry, model: string): Plan {
  const stem = model.replace(/_/g, '-');
  const exportName = `${camel(entry.key)}${pascal(model)}Sync`;
  const syncPath = join(entry.dir, `${stem}.sync.ts`);
  const testPath = join(root, 'test', 'unit', 'sync', entry.key, `${stem}.sync.test.ts`);
  const recordingPath = join(root, 'test', 'recordings', `${entry.key}-${stem}.recording.json`);
  const values = {
    ...common(root, entry),
    model,
    syncExport: exportName,
    recordingPath: relative(root, recordingPath),
  };
  const render = (template: TemplateName, from: string) =>
    renderTemplate(template, {
      ...values,
      kit: importPath(from, join(root, 'sync')),
      providerModule: importPath(from, entry.file),
      syncModule: importPath(from, syncPath),
      recordingFromTest: relative(dirname(testPath), recordingPath),
    });
  const rel = (path: string) => relative(root, path);
  return {
    exportName,
    entryImport: importPath(entry.file, syncPath),
    files: [
      { path: syncPath, text: render('sync.ts', syncPath), what: 'the sync, from the kit’s template' },
      { path: testPath, text: render('sync.test.ts', testPath), what: 'its recording test' },
      { path: recordingPath, text: render('sync.recording.json', recordingPath), what: 'a starting recording, of what the template asks' },
    ],
    next: [
      `Make ${rel(syncPath)} read the real API: fetchPages' endpoint and paging, the schema's fields.`,
      `Try it on a live connection, writing nothing:  npm run dryrun -- <integration> ${model} --connection <id> --limit 20`,
      `Save what the provider answered as its test's recording:  npm run dryrun -- <integration> ${model} --connection <id> --limit 20 --save ${rel(recordingPath)}`,
      `Run its test:  npx jest ${rel(testPath)}`,
      `It is in ${entry.definition.displayName}'s catalog entry now: a worker running this code syncs it for new connections (existing ones enable it with PATCH /connections/:id).`,
    ],
  };
}

function actionFiles(root: string, entry: ProviderEntry, action: string): Plan {
  const exportName = `${camel(entry.key)}${pascal(action)}`;
  const actionPath = join(entry.dir, `${action}.action.ts`);
  const testPath = join(root, 'test', 'unit', 'actions', entry.key, `${action}.action.test.ts`);
  const recordingPath = join(root, 'test', 'recordings', `${entry.key}-${action}.action.recording.json`);
  const values = { ...common(root, entry), action, actionExport: exportName, recordingPath: relative(root, recordingPath) };
  const render = (template: TemplateName, from: string) =>
    renderTemplate(template, {
      ...values,
      kit: importPath(from, join(root, 'sync')),
      providerModule: importPath(from, entry.file),
      actionModule: importPath(from, actionPath),
      recordingFromTest: relative(dirname(testPath), recordingPath),
    });
  const rel = (path: string) => relative(root, path);
  return {
    exportName,
    entryImport: importPath(entry.file, actionPath),
    files: [
      { path: actionPath, text: render('action.ts', actionPath), what: 'the action, from the kit’s template' },
      { path: testPath, text: render('action.test.ts', testPath), what: 'its recording test' },
      { path: recordingPath, text: render('action.recording.json', recordingPath), what: 'a starting recording, of what the template sends' },
    ],
    next: [
      `Make ${rel(actionPath)} call the real endpoint, and ${rel(recordingPath)} say what the provider really answers.`,
      `Run its test:  npx jest ${rel(testPath)}`,
      `Once a worker runs this code:  POST /connections/<id>/actions/${action} with an Idempotency-Key header.`,
    ],
  };
}

function common(root: string, entry: ProviderEntry): Record<string, string> {
  return { provider: entry.key, providerName: entry.definition.displayName, providerExport: entry.exportName };
}

/** `from` a file, the module specifier of `to` (a file or folder), as the repo writes them: relative, no extension. */
function importPath(from: string, to: string): string {
  const path = relative(dirname(from), to).replace(/\.ts$/, '').split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

function pascal(name: string): string {
  return name
    .split(/[-_]/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

function camel(name: string): string {
  const text = pascal(name);
  return text[0].toLowerCase() + text.slice(1);
}
