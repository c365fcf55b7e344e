// `npm run dryrun`'s command line: what it asks for, and each mistake named with its flag before anything is opened.
import { UsageError, parseDryRunArguments } from '../../../devtools/dryrun/arguments';

describe('dry run arguments', () => {
  it('reads every option into the request', () => {
    const parsed = parseDryRunArguments([
      'salesforce-sandbox', 'contacts', '--connection', 'acme', '--sync', 'x/contacts.sync.ts', '--full',
      '--checkpoint', '{"after":"2026-01-05T10:00:00.000Z","id":null}', '--fields', 'Tier__c, Region__c', '--limit', '20',
      '--save', 'out.recording.json', '--json', '--max-wait', '5',
    ]);

    expect(parsed).toEqual({
      json: true,
      request: {
        integration: 'salesforce-sandbox',
        model: 'contacts',
        connectionId: 'acme',
        syncFile: 'x/contacts.sync.ts',
        full: true,
        checkpoint: { after: '2026-01-05T10:00:00.000Z', id: null },
        fields: ['Tier__c', 'Region__c'],
        limit: 20,
        save: 'out.recording.json',
        maxWaitMs: 5000,
      },
    });
    expect(parseDryRunArguments(['--help'])).toBe('help');
  });

  it.each([
    [['salesforce-sandbox', 'contacts'], '--connection <id> is required: the connection whose provider account is read'],
    [['salesforce-sandbox', '--connection', 'acme'], 'expected <integration> <model>, got "salesforce-sandbox"'],
    [['salesforce-sandbox', 'Contacts', '--connection', 'acme'], '<model> "Contacts" must be lower-case letters, digits and underscores'],
    [['i', 'contacts', '--connection', 'acme', '--limit', '0'], '--limit must be a positive whole number, got "0"'],
    [['i', 'contacts', '--connection', 'acme', '--checkpoint', '{"after":'], /^--checkpoint is not JSON: /],
    [['i', 'contacts', '--connection', 'acme', '--checkpoint', '["a"]'], '--checkpoint must be a JSON object, like {"after": "…"}'],
    [['i', 'contacts', '--connection', 'acme', '--checkpoint', '{"at":{"x":1}}'], '--checkpoint values must be strings, numbers, booleans or null (not at)'],
    [['i', 'contacts', '--connection', 'acme', '--fields', 'Tier__c,bad field'], '--fields must be field names separated by commas (not "bad field")'],
    [['i', 'contacts', '--connection', 'acme', '--sync', 'contacts.py'], '--sync "contacts.py" must be a .ts (or .js) file'],
    [['i', 'contacts', '--connection', 'acme', '--save', 'out.txt'], '--save "out.txt" must be a .json file'],
    [['i', 'contacts', '--connection', 'acme', '--frobnicate'], /Unknown option '--frobnicate'/],
  ])('refuses %j', (argv, message) => {
    const parsing = () => parseDryRunArguments(argv);
    expect(parsing).toThrow(UsageError);
    expect(parsing).toThrow(message);
  });
});
