// How `npm run new` lists a new sync or action in a provider's entry file: in the list's own layout, spreading a list
// kept elsewhere, adding an actions list when there is none, and refusing what it cannot edit safely.
import { listedInEntry } from '../../../devtools/scaffold/provider-entry';
import { ScaffoldError } from '../../../devtools/scaffold/scaffold-error';

const entry = (body: string) => `// An entry.\nimport type { ProviderDefinition } from '../provider-definition';\nimport { contactsSync } from './contacts.sync';\n\nexport const p: ProviderDefinition = {\n${body}};\n`;

describe('listing a new sync or action in a provider entry', () => {
  it('imports it after the last import and appends it to a one-line list', () => {
    const text = listedInEntry(entry("  syncs: [contactsSync, accountsSync],\n"), 'p.provider.ts', 'syncs', 'ordersSync', './orders.sync');

    expect(text).toBe(entry("  syncs: [contactsSync, accountsSync, ordersSync],\n").replace("import { contactsSync } from './contacts.sync';", "import { contactsSync } from './contacts.sync';\nimport { ordersSync } from './orders.sync';"));
  });

  it('keeps one item a line when the list is written so', () => {
    const text = listedInEntry(entry('  syncs: [\n    contactsSync,\n    accountsSync\n  ],\n'), 'p.provider.ts', 'syncs', 'ordersSync', './orders.sync');

    expect(text).toContain('  syncs: [\n    contactsSync,\n    accountsSync,\n    ordersSync,\n  ],\n');
  });

  it('spreads an actions list kept in another file, and starts one when there is none', () => {
    expect(listedInEntry(entry('  actions: salesforceActions,\n  syncs: [contactsSync],\n'), 'p.provider.ts', 'actions', 'createTask', './create-task.action')).toContain(
      '  actions: [...salesforceActions, createTask],\n',
    );
    expect(listedInEntry(entry('  syncs: [contactsSync],\n'), 'p.provider.ts', 'actions', 'createTask', './create-task.action')).toContain('  actions: [createTask],\n  syncs: [contactsSync],\n');
  });

  it('refuses an entry whose list it cannot find, or finds twice', () => {
    expect(() => listedInEntry(entry('  syncs: allSyncs,\n'), 'p.provider.ts', 'syncs', 'ordersSync', './orders.sync')).toThrow(
      new ScaffoldError('p.provider.ts has no `syncs: [...]` list this can add to; list ordersSync there by hand'),
    );
    expect(() => listedInEntry(entry('  syncs: [a],\n  other: { syncs: [b] },\n'), 'p.provider.ts', 'syncs', 'ordersSync', './orders.sync')).toThrow(/has 2 `syncs: \[...\]` lists/);
  });
});
