// A connection's metadata is the app's free JSON, stored as given and read on every webhook: its depth, keys and size
// are bounded with a 400 naming the field, before anything recursive touches it, and the OpenAPI document says so.
import { startTestStack, type TestStack } from '../../support/test-stack';

/** `{"a":{"a":…}}` `levels` deep around `inner`, built without recursion. */
function nested(levels: number, inner: unknown = 1): unknown {
  let value = inner;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

/** The same as JSON text, for depths JSON.stringify itself cannot take (it recurses). */
function nestedJson(levels: number, kind: 'object' | 'array' | 'array of objects'): string {
  if (kind === 'object') return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  if (kind === 'array') return `${'['.repeat(levels)}1${']'.repeat(levels)}`;
  return `${'[{"a":'.repeat(levels / 2)}1${'}]'.repeat(levels / 2)}`;
}

describe('connection metadata limits', () => {
  let stack: TestStack;
  const stored = { tenant: 'acme', tags: ['vip'] };

  beforeAll(async () => {
    stack = await startTestStack({ name: 'metadata-limits', inProcessWorker: false, deleteWaitMs: 1000 });
    expect((await stack.connectSalesforce('meta', { contacts: { frequency: '1d' } })).status).toBe(201);
    expect((await stack.api('PATCH', '/connections/meta', { metadata: stored })).status).toBe(200);
  });
  afterAll(() => stack?.close());

  async function refused(metadata: unknown, field: RegExp, message: RegExp): Promise<void> {
    const answer = await stack.api('PATCH', '/connections/meta', typeof metadata === 'string' ? metadata : { metadata });
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual([{ field: expect.stringMatching(field), message: expect.stringMatching(message) }]);
    expect((await stack.api('GET', '/connections/meta')).body.metadata).toEqual(stored);
  }

  test('5,000 levels of nesting (about 10 KB) is a 400 naming body.metadata…, not a 500', async () => {
    const deep = `{"metadata":{"deep":${nestedJson(5000, 'object')}}}`;
    expect(deep.length).toBeLessThan(40_000);
    await refused(deep, /^body\.metadata\.deep(\.a){9}$/, /^nests deeper than 10 levels$/);
    await refused(`{"metadata":{"list":${nestedJson(5000, 'array of objects')}}}`, /^body\.metadata\.list(\.0\.a){4}\.0$/, /nests deeper than 10 levels/);
    // Arrays directly in arrays are refused at the first one (the database cannot store them; see below).
    await refused(`{"metadata":{"list":${nestedJson(5000, 'array')}}}`, /^body\.metadata\.list\.0$/, /must not hold an array directly/);
    // The limit itself: 10 levels counting the metadata object are fine, 11 are not.
    expect((await stack.api('PATCH', '/connections/meta', { metadata: { x: nested(9) } })).status).toBe(200);
    expect((await stack.api('PATCH', '/connections/meta', { metadata: stored })).status).toBe(200);
    await refused({ x: nested(10) }, /^body\.metadata\.x(\.a){9}$/, /nests deeper/);
  });

  test('a key MongoDB would read as an operator or a path is a 400 naming it, at any depth', async () => {
    await refused({ $where: 'sleep(1000)' }, /^body\.metadata\.\$where$/, /not start with "\$"/);
    await refused({ outer: { 'a.b': 1 } }, /^body\.metadata\.outer\.a\.b$/, /not contain "\."/);
    await refused({ list: [{ $set: { x: 1 } }] }, /^body\.metadata\.list\.0\.\$set$/, /"\$"/);
    await refused({ '': 1 }, /^body\.metadata\./, /1-128 characters/);
    // `$` inside a key, and dots in values, are fine.
    expect((await stack.api('PATCH', '/connections/meta', { metadata: { price$: 'a.b.c' } })).status).toBe(200);
    expect((await stack.api('PATCH', '/connections/meta', { metadata: stored })).status).toBe(200);
  });

  // Both were a 500 on FerretDB ("nested arrays are not supported", and a NUL in a string), found by schemathesis
  // once it could reach a connection (issue 25); the document declares both.
  test('an array directly inside an array, or a NUL in a string, is a 400 naming it, not a 500', async () => {
    await refused({ a: [[]] }, /^body\.metadata\.a\.0$/, /must not hold an array directly/);
    await refused({ a: [{ b: [1, [2]] }] }, /^body\.metadata\.a\.0\.b\.1$/, /must not hold an array directly/);
    await refused({ a: { b: 'x\u0000' } }, /^body\.metadata\.a\.b$/, /must not contain NUL/);
    await refused({ a: ['\u0000'] }, /^body\.metadata\.a\.0$/, /must not contain NUL/);
    // An object between two arrays is fine, and so is any other control character.
    expect((await stack.api('PATCH', '/connections/meta', { metadata: { a: [{ b: [1, { c: [2] }] }], d: '\u0001' } })).status).toBe(200);
    expect((await stack.api('PATCH', '/connections/meta', { metadata: stored })).status).toBe(200);
  });

  test('more than 16 KiB as JSON is a 400 naming body.metadata', async () => {
    await refused({ blob: 'é'.repeat(9000) }, /^body\.metadata$/, /16 KiB/);
  });

  test('the OpenAPI document declares the key rules and says the depth and size', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document, read by path
    const document: any = await (await fetch(`${stack.apiUrl}/openapi.json`)).json();
    const body = document.components.schemas.UpdateConnectionRequest.properties.metadata;
    const metadata = body.anyOf ? body.anyOf.find((s: { type?: string }) => s.type === 'object') : body;
    expect(metadata.propertyNames).toMatchObject({ minLength: 1, maxLength: 128, pattern: expect.any(String) });
    expect(metadata.description).toMatch(/16 KiB.*10 levels/);
    expect(document.components.schemas.MetadataValue.description).toMatch(/10 levels/);
    const pattern = new RegExp(metadata.propertyNames.pattern);
    expect(['tenant', 'price$', '$where', 'a.b'].map((key) => pattern.test(key))).toEqual([true, true, false, false]);
    // An array's items are any metadata value but an array; strings have no NUL.
    const kinds = (schema: { anyOf: { type?: string }[] }) => schema.anyOf.map((s) => s.type);
    expect(kinds(document.components.schemas.MetadataValue)).toEqual(['string', 'number', 'boolean', 'null', 'array', 'object']);
    expect(kinds(document.components.schemas.MetadataArrayItem)).toEqual(['string', 'number', 'boolean', 'null', 'object']);
    expect(new RegExp(document.components.schemas.MetadataValue.anyOf[0].pattern).test('a\u0000b')).toBe(false);
  });
});
