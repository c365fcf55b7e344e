// The SOQL subset the sync sends: a strict parser (Salesforce's error codes for anything else) and an evaluator over the org index.
import { parseDateTime } from './datetime';
import { apiError, malformedQuery, type SandboxHttpError } from './errors';
import { canonicalObject, findField, type FieldDefinition, type SalesforceObject, type SalesforceRecord } from './fields';
import { looksLikeId, toId18 } from './ids';
import type { IndexEntry, Org } from './org';

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; ms: number }
  | { kind: 'date'; value: string };

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { type: 'compare'; field: FieldDefinition; operator: ComparisonOperator; value: Literal }
  | { type: 'in'; field: FieldDefinition; negated: boolean; values: Literal[] }
  | { type: 'and' | 'or'; left: Condition; right: Condition }
  | { type: 'not'; operand: Condition };

export interface OrderTerm {
  field: FieldDefinition;
  descending: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  object: SalesforceObject;
  fields: FieldDefinition[];
  where: Condition | null;
  orderBy: OrderTerm[];
  limit: number | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

type TokenType = 'word' | 'string' | 'number' | 'datetime' | 'date' | 'symbol' | 'end';

interface Token {
  type: TokenType;
  text: string;
  position: number;
  value?: string | number;
}

const DATETIME_LITERAL = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/y;
const DATE_LITERAL = /\d{4}-\d{2}-\d{2}(?![\dT])/y;
const NUMBER_LITERAL = /-?\d+(?:\.\d+)?(?![\w.])/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const SYMBOL = /!=|<>|<=|>=|[=<>,()]/y;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

function sticky(pattern: RegExp, text: string, position: number): string | null {
  pattern.lastIndex = position;
  const match = pattern.exec(text);
  return match ? match[0] : null;
}

function readString(soql: string, position: number): Token {
  let value = '';
  let cursor = position + 1;
  for (;;) {
    if (cursor >= soql.length) throw located(soql, position, 'MALFORMED_QUERY', 'unterminated string literal');
    const next = soql[cursor];
    if (next === "'") break;
    if (next === '\\') {
      const escaped = ESCAPES[soql[cursor + 1]];
      if (escaped === undefined) {
        throw located(soql, cursor, 'MALFORMED_QUERY', `Invalid string literal '${soql.slice(position, cursor + 2)}'. Illegal character sequence '\\${soql[cursor + 1] ?? ''}' in string literal.`);
      }
      value += escaped;
      cursor += 2;
      continue;
    }
    value += next;
    cursor++;
  }
  return { type: 'string', text: soql.slice(position, cursor + 1), position, value };
}

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < soql.length) {
    const char = soql[position];
    if (/\s/.test(char)) {
      position++;
      continue;
    }
    let token: Token | null = null;
    if (char === "'") token = readString(soql, position);
    const datetime = token ? null : sticky(DATETIME_LITERAL, soql, position);
    if (datetime) {
      const ms = parseDateTime(datetime);
      if (Number.isNaN(ms)) throw located(soql, position, 'MALFORMED_QUERY', `invalid datetime literal: ${datetime}`);
      token = { type: 'datetime', text: datetime, position, value: ms };
    }
    const date = token ? null : sticky(DATE_LITERAL, soql, position);
    if (date) token = { type: 'date', text: date, position, value: date };
    const number = token ? null : sticky(NUMBER_LITERAL, soql, position);
    if (number) token = { type: 'number', text: number, position, value: Number(number) };
    const word = token ? null : sticky(WORD, soql, position);
    if (word) token = { type: 'word', text: word, position };
    const symbol = token ? null : sticky(SYMBOL, soql, position);
    if (symbol) token = { type: 'symbol', text: symbol === '<>' ? '!=' : symbol, position };
    if (!token) throw located(soql, position, 'MALFORMED_QUERY', `unexpected token: '${char}'`);
    tokens.push(token);
    position += token.text.length;
  }
  tokens.push({ type: 'end', text: '<EOF>', position: soql.length });
  return tokens;
}

/** Salesforce echoes the query with a caret under the offending spot. */
function located(soql: string, position: number, errorCode: string, message: string): SandboxHttpError {
  const before = soql.slice(0, position);
  const row = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  const line = soql.split('\n')[row - 1] ?? '';
  return apiError(400, errorCode, `\n${line}\n${' '.repeat(Math.max(0, column - 1))}^\nERROR at Row:${row}:Column:${column}\n${message}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Parser

const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'ORDER', 'BY', 'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST', 'LIMIT', 'OFFSET', 'GROUP', 'HAVING', 'TRUE', 'FALSE', 'NULL', 'LIKE', 'INCLUDES', 'EXCLUDES', 'USING', 'WITH', 'FOR', 'TYPEOF']);
const OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=']);

/** Field-level security: fields the integration user may not read, which SOQL treats as if they did not exist. */
export type HiddenFields = (object: SalesforceObject, field: FieldDefinition) => boolean;

class Parser {
  private cursor = 0;
  private object: SalesforceObject | null = null;

  constructor(
    private readonly soql: string,
    private readonly tokens: Token[],
    private readonly hidden: HiddenFields,
  ) {}

  parse(): SoqlQuery {
    this.expectKeyword('SELECT');
    const selected: Token[] = [this.fieldToken()];
    while (this.acceptSymbol(',')) selected.push(this.fieldToken());
    this.expectKeyword('FROM');
    const objectToken = this.next();
    if (objectToken.type !== 'word' || RESERVED.has(objectToken.text.toUpperCase())) throw this.unexpected(objectToken);
    const object = canonicalObject(objectToken.text);
    if (!object) {
      throw located(this.soql, objectToken.position, 'INVALID_TYPE', `sObject type '${objectToken.text}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`);
    }
    this.object = object;
    const fields: FieldDefinition[] = [];
    for (const token of selected) {
      const field = this.resolve(token);
      if (fields.includes(field)) throw located(this.soql, token.position, 'MALFORMED_QUERY', `duplicate field selected: ${field.name}`);
      fields.push(field);
    }
    const where = this.acceptKeyword('WHERE') ? this.orCondition() : null;
    const orderBy: OrderTerm[] = [];
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY');
      do orderBy.push(this.orderTerm());
      while (this.acceptSymbol(','));
    }
    let limit: number | null = null;
    if (this.acceptKeyword('LIMIT')) {
      const token = this.next();
      if (token.type !== 'number' || !Number.isInteger(token.value) || (token.value as number) < 0) throw this.unexpected(token);
      limit = token.value as number;
    }
    const trailing = this.next();
    if (trailing.type !== 'end') throw this.unexpected(trailing);
    return { object, fields, where, orderBy, limit };
  }

  private orderTerm(): OrderTerm {
    const field = this.resolve(this.fieldToken());
    let descending = false;
    if (this.acceptKeyword('DESC')) descending = true;
    else this.acceptKeyword('ASC');
    // Salesforce puts nulls first unless told otherwise, whatever the direction.
    let nullsLast = false;
    if (this.acceptKeyword('NULLS')) {
      if (this.acceptKeyword('LAST')) nullsLast = true;
      else this.expectKeyword('FIRST');
    }
    return { field, descending, nullsLast };
  }

  /** AND binds tighter than OR. */
  private orCondition(): Condition {
    let left = this.andCondition();
    while (this.acceptKeyword('OR')) left = { type: 'or', left, right: this.andCondition() };
    return left;
  }

  private andCondition(): Condition {
    let left = this.notCondition();
    while (this.acceptKeyword('AND')) left = { type: 'and', left, right: this.notCondition() };
    return left;
  }

  private notCondition(): Condition {
    if (this.acceptKeyword('NOT')) return { type: 'not', operand: this.notCondition() };
    if (this.acceptSymbol('(')) {
      const inner = this.orCondition();
      this.expectSymbol(')');
      return inner;
    }
    return this.predicate();
  }

  private predicate(): Condition {
    const field = this.resolve(this.fieldToken());
    const negated = this.acceptKeyword('NOT');
    if (negated || this.acceptKeyword('IN')) {
      if (negated) this.expectKeyword('IN');
      this.expectSymbol('(');
      const values: Literal[] = [];
      do values.push(this.literalFor(field, 'IN'));
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
      return { type: 'in', field, negated, values };
    }
    const operatorToken = this.next();
    if (operatorToken.type !== 'symbol' || !OPERATORS.has(operatorToken.text)) throw this.unexpected(operatorToken);
    const operator = operatorToken.text as ComparisonOperator;
    return { type: 'compare', field, operator, value: this.literalFor(field, operator) };
  }

  private literal(token: Token): Literal {
    switch (token.type) {
      case 'string':
        return { kind: 'string', value: token.value as string };
      case 'number':
        return { kind: 'number', value: token.value as number };
      case 'datetime':
        return { kind: 'datetime', ms: token.value as number };
      case 'date':
        return { kind: 'date', value: token.value as string };
      case 'word': {
        const upper = token.text.toUpperCase();
        if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE' };
        if (upper === 'NULL') return { kind: 'null' };
        throw this.unexpected(token);
      }
      default:
        throw this.unexpected(token);
    }
  }

  /** Salesforce refuses a literal of the wrong type for the field instead of coercing it. */
  private literalFor(field: FieldDefinition, operator: ComparisonOperator | 'IN'): Literal {
    const token = this.next();
    const value = this.literal(token);
    const fail = (errorCode: string, message: string) => located(this.soql, token.position, errorCode, message);
    const wrongType = (typeName: string, quoted: boolean) =>
      fail('INVALID_FIELD', `value of filter criterion for field '${field.name}' must be of type ${typeName} and should ${quoted ? '' : 'not '}be enclosed in quotes`);
    const ordering = operator !== '=' && operator !== '!=' && operator !== 'IN';
    if (value.kind === 'null') {
      if (ordering) throw fail('INVALID_QUERY_FILTER_OPERATOR', `invalid operator on null for field ${field.name}`);
      return value;
    }
    switch (field.type) {
      case 'id':
      case 'reference':
        if (value.kind !== 'string') throw wrongType('id', true);
        if (!looksLikeId(value.value)) throw fail('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${value.value}`);
        return { kind: 'string', value: toId18(value.value) };
      case 'string':
        if (value.kind !== 'string') throw wrongType('string', true);
        return value;
      case 'boolean':
        if (value.kind !== 'boolean') throw wrongType('boolean', false);
        if (ordering) throw fail('INVALID_QUERY_FILTER_OPERATOR', `invalid operator on boolean field ${field.name}`);
        return value;
      case 'datetime':
        if (value.kind !== 'datetime') throw wrongType('dateTime', false);
        return value;
      case 'date':
        if (value.kind !== 'date') throw wrongType('date', false);
        return value;
      case 'double':
      case 'int':
        if (value.kind !== 'number') throw wrongType(field.type, false);
        return value;
    }
  }

  private fieldToken(): Token {
    const token = this.next();
    if (token.type !== 'word' || RESERVED.has(token.text.toUpperCase())) throw this.unexpected(token);
    // Functions such as COUNT() are outside the subset.
    const after = this.peek();
    if (after.type === 'symbol' && after.text === '(') throw this.unexpected(after);
    return token;
  }

  private resolve(token: Token): FieldDefinition {
    const found = this.object ? findField(this.object, token.text) : undefined;
    const field = found && this.object && !this.hidden(this.object, found) ? found : undefined;
    if (!field) {
      throw located(this.soql, token.position, 'INVALID_FIELD', `No such column '${token.text}' on entity '${this.object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
    }
    return field;
  }

  private peek(): Token {
    return this.tokens[this.cursor];
  }

  private next(): Token {
    const token = this.tokens[this.cursor];
    if (token.type !== 'end') this.cursor++;
    return token;
  }

  private acceptKeyword(keyword: string): boolean {
    const token = this.peek();
    if (token.type === 'word' && token.text.toUpperCase() === keyword) {
      this.cursor++;
      return true;
    }
    return false;
  }

  private expectKeyword(keyword: string): void {
    if (!this.acceptKeyword(keyword)) throw this.unexpected(this.peek());
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token.type === 'symbol' && token.text === symbol) {
      this.cursor++;
      return true;
    }
    return false;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.unexpected(this.peek());
  }

  private unexpected(token: Token): SandboxHttpError {
    return located(this.soql, token.position, 'MALFORMED_QUERY', `unexpected token: ${token.text}`);
  }
}

export function parseSoql(soql: string, hidden: HiddenFields = () => false): SoqlQuery {
  if (typeof soql !== 'string' || soql.trim() === '') throw malformedQuery('A query string has to be specified');
  return new Parser(soql, tokenize(soql), hidden).parse();
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

type Comparable = string | number | boolean;

/** A field's value in the form its type compares in: datetimes as instants, text case-insensitively, Ids exactly. */
function valueReader(field: FieldDefinition): (entry: IndexEntry) => Comparable | null {
  const name = field.name;
  if (name === 'SystemModstamp') return (entry) => entry.ms;
  switch (field.type) {
    case 'datetime':
      return (entry) => {
        const text = entry.record[name];
        return typeof text === 'string' ? parseDateTime(text) : null;
      };
    case 'string':
      return (entry) => {
        const text = entry.record[name];
        return typeof text === 'string' ? text.toLowerCase() : null;
      };
    default:
      return (entry) => entry.record[name] as Comparable | null;
  }
}

function literalValue(field: FieldDefinition, literal: Literal): Comparable | null {
  switch (literal.kind) {
    case 'null':
      return null;
    case 'datetime':
      return literal.ms;
    case 'string':
      return field.type === 'string' ? literal.value.toLowerCase() : literal.value;
    default:
      return literal.value;
  }
}

type Predicate = (entry: IndexEntry) => boolean;

function ordered(read: (entry: IndexEntry) => Comparable | null, target: Comparable | null, test: (value: Comparable, target: Comparable) => boolean): Predicate {
  // Ordering comparisons never match a null field.
  return (entry) => {
    const value = read(entry);
    return value !== null && target !== null && test(value, target);
  };
}

function compile(condition: Condition): Predicate {
  switch (condition.type) {
    case 'and': {
      const left = compile(condition.left);
      const right = compile(condition.right);
      return (entry) => left(entry) && right(entry);
    }
    case 'or': {
      const left = compile(condition.left);
      const right = compile(condition.right);
      return (entry) => left(entry) || right(entry);
    }
    case 'not': {
      const operand = compile(condition.operand);
      return (entry) => !operand(entry);
    }
    case 'in': {
      const read = valueReader(condition.field);
      const values = new Set(condition.values.map((literal) => literalValue(condition.field, literal)));
      return condition.negated ? (entry) => !values.has(read(entry)) : (entry) => values.has(read(entry));
    }
    case 'compare': {
      const read = valueReader(condition.field);
      const target = literalValue(condition.field, condition.value);
      switch (condition.operator) {
        case '=':
          return (entry) => read(entry) === target;
        case '!=':
          return (entry) => read(entry) !== target;
        case '<':
          return ordered(read, target, (value, bound) => value < bound);
        case '<=':
          return ordered(read, target, (value, bound) => value <= bound);
        case '>':
          return ordered(read, target, (value, bound) => value > bound);
        case '>=':
          return ordered(read, target, (value, bound) => value >= bound);
      }
    }
  }
}

interface Key {
  ms: number;
  id: string;
}

/** What every matching row is known to satisfy, so a scan can start (and stop) inside the index instead of at its ends. */
interface Bounds {
  start: Key;
  msMin: number;
  msMax: number;
  idMin: string;
}

const UNBOUNDED: Bounds = { start: { ms: -Infinity, id: '' }, msMin: -Infinity, msMax: Infinity, idMin: '' };

function keyCompare(a: Key, b: Key): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

const maxKey = (a: Key, b: Key): Key => (keyCompare(a, b) >= 0 ? a : b);
const minKey = (a: Key, b: Key): Key => (keyCompare(a, b) <= 0 ? a : b);

function leaf(msMin: number, msMax: number, idMin: string): Bounds {
  return { start: { ms: msMin, id: idMin }, msMin, msMax, idMin };
}

function bounds(condition: Condition): Bounds {
  switch (condition.type) {
    case 'and': {
      const left = bounds(condition.left);
      const right = bounds(condition.right);
      const msMin = Math.max(left.msMin, right.msMin);
      const idMin = left.idMin > right.idMin ? left.idMin : right.idMin;
      // Every match has ms ≥ msMin and Id ≥ idMin, so its key is at least (msMin, idMin).
      const start = maxKey(maxKey(left.start, right.start), { ms: msMin, id: idMin });
      return { start, msMin, msMax: Math.min(left.msMax, right.msMax), idMin };
    }
    case 'or': {
      const left = bounds(condition.left);
      const right = bounds(condition.right);
      return {
        start: minKey(left.start, right.start),
        msMin: Math.min(left.msMin, right.msMin),
        msMax: Math.max(left.msMax, right.msMax),
        idMin: left.idMin < right.idMin ? left.idMin : right.idMin,
      };
    }
    case 'not':
      return UNBOUNDED;
    case 'in': {
      if (condition.negated || condition.values.some((value) => value.kind === 'null')) return UNBOUNDED;
      const values = condition.values.map((literal) => literalValue(condition.field, literal));
      if (condition.field.name === 'SystemModstamp') return leaf(Math.min(...(values as number[])), Math.max(...(values as number[])), '');
      if (condition.field.name === 'Id') return leaf(-Infinity, Infinity, (values as string[]).reduce((a, b) => (a < b ? a : b)));
      return UNBOUNDED;
    }
    case 'compare': {
      const { field, operator, value } = condition;
      if (field.name === 'SystemModstamp' && value.kind === 'datetime') {
        const ms = value.ms;
        if (operator === '>') return leaf(ms + 1, Infinity, '');
        if (operator === '>=') return leaf(ms, Infinity, '');
        if (operator === '=') return leaf(ms, ms, '');
        if (operator === '<') return leaf(-Infinity, ms - 1, '');
        if (operator === '<=') return leaf(-Infinity, ms, '');
        return UNBOUNDED;
      }
      if (field.name === 'Id' && value.kind === 'string') {
        // The smallest string greater than Y is Y followed by U+0000.
        if (operator === '>') return leaf(-Infinity, Infinity, `${value.value}\u0000`);
        if (operator === '>=' || operator === '=') return leaf(-Infinity, Infinity, value.value);
      }
      return UNBOUNDED;
    }
  }
}

/** True when the index order (SystemModstamp, Id ascending) already is the requested order. */
function indexOrderServes(orderBy: readonly OrderTerm[]): boolean {
  if (orderBy.length === 0) return true;
  const [first, second] = orderBy;
  if (first.field.name !== 'SystemModstamp' || first.descending) return false;
  return !second || (second.field.name === 'Id' && !second.descending);
}

function sorter(orderBy: readonly OrderTerm[]): (a: IndexEntry, b: IndexEntry) => number {
  const terms = orderBy.map((term) => ({ ...term, read: valueReader(term.field) }));
  return (a, b) => {
    for (const term of terms) {
      const left = term.read(a);
      const right = term.read(b);
      if (left === right) continue;
      if (left === null) return term.nullsLast ? 1 : -1;
      if (right === null) return term.nullsLast ? -1 : 1;
      const order = left < right ? -1 : 1;
      return term.descending ? -order : order;
    }
    return 0;
  };
}

/**
 * Runs a query and returns its result set as it is now: references to immutable record versions, so later
 * changes to the org cannot reorder or alter pages still to be fetched.
 */
export function executeSoql(org: Org, query: SoqlQuery, opts: { includeDeleted: boolean }): SalesforceRecord[] {
  const matches: Predicate = query.where ? compile(query.where) : () => true;
  const range = query.where ? bounds(query.where) : UNBOUNDED;
  const { index, start } = org.indexFrom(query.object, range.start.ms, range.start.id);
  const inOrder = indexOrderServes(query.orderBy);
  const stopAt = inOrder && query.limit !== null ? query.limit : Infinity;
  const hits: IndexEntry[] = [];
  for (let position = start; position < index.length && hits.length < stopAt; position++) {
    const entry = index[position];
    if (entry.ms > range.msMax) break;
    if (!entry.live || (entry.record.IsDeleted && !opts.includeDeleted)) continue;
    if (matches(entry)) hits.push(entry);
  }
  if (!inOrder) hits.sort(sorter(query.orderBy));
  const limited = query.limit !== null && hits.length > query.limit ? hits.slice(0, query.limit) : hits;
  return limited.map((entry) => entry.record);
}

/** The row as the REST API renders it: attributes first, then the selected fields in SELECT order. */
export function projectRecord(record: SalesforceRecord, object: SalesforceObject, fields: readonly FieldDefinition[], apiVersion: string): Record<string, unknown> {
  const row: Record<string, unknown> = { attributes: { type: object, url: `/services/data/${apiVersion}/sobjects/${object}/${record.Id}` } };
  for (const field of fields) row[field.name] = record[field.name] ?? null;
  return row;
}
