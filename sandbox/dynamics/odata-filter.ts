// The subset of OData `$filter` the sandbox evaluates, with Dataverse's errors: comparisons (eq ne gt ge lt le) of a
// column with a literal (unquoted datetimes and GUIDs, quoted text, numbers, null), and/or/not, parentheses and
// contains/startswith/endswith. Text compares ignoring case; GUIDs compare in SQL Server's order.
import { odataError } from './errors';
import type { StoredRow } from './environment';
import { sqlOrderKey } from './guid';
import { TABLES, columnOf, type ColumnDefinition, type EntitySet } from './tables';

type Literal = { kind: 'string'; value: string } | { kind: 'datetime'; value: number; text: string } | { kind: 'guid'; value: string } | { kind: 'number'; value: number } | { kind: 'null' } | { kind: 'boolean'; value: boolean };
type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
type TextFunction = 'contains' | 'startswith' | 'endswith';

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: Comparison; column: ColumnDefinition; literal: Literal }
  | { kind: 'function'; name: TextFunction; column: ColumnDefinition; text: string };

const OPERATOR_KIND: Record<Comparison, string> = { eq: 'Equal', ne: 'NotEqual', gt: 'GreaterThan', ge: 'GreaterThanOrEqual', lt: 'LessThan', le: 'LessThanOrEqual' };
const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?/;
const GUID_TOKEN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;

interface Token {
  text: string;
  at: number;
  literal?: Literal;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const syntax = () => odataError(400, `Syntax error at position ${i} in '${source}'.`);
  while (i < source.length) {
    const rest = source.slice(i);
    if (/^\s/.test(rest)) {
      i++;
      continue;
    }
    if (rest[0] === '(' || rest[0] === ')' || rest[0] === ',') {
      tokens.push({ text: rest[0], at: i });
      i++;
      continue;
    }
    if (rest[0] === "'") {
      let j = 1;
      let value = '';
      for (;;) {
        if (j >= rest.length) throw odataError(400, `There is an unterminated string literal at position ${i + j} in '${source}'.`);
        if (rest[j] === "'") {
          if (rest[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += rest[j++];
      }
      tokens.push({ text: rest.slice(0, j + 1), at: i, literal: { kind: 'string', value } });
      i += j + 1;
      continue;
    }
    const guid = GUID_TOKEN.exec(rest);
    if (guid) {
      tokens.push({ text: guid[0], at: i, literal: { kind: 'guid', value: guid[0].toLowerCase() } });
      i += guid[0].length;
      continue;
    }
    const datetime = DATETIME.exec(rest);
    if (datetime && datetime[1]) {
      const ms = Date.parse(datetime[0]);
      if (Number.isNaN(ms)) throw odataError(400, `The DateTimeOffset text '${datetime[0]}' should be in format 'yyyy-mm-ddThh:mm:ss('.'s+)?(zzzzzz)?' and each field value is within valid range.`);
      tokens.push({ text: datetime[0], at: i, literal: { kind: 'datetime', value: ms, text: datetime[0] } });
      i += datetime[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?(?![\w-])/.exec(rest);
    if (number) {
      tokens.push({ text: number[0], at: i, literal: { kind: 'number', value: Number(number[0]) } });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (!word) throw syntax();
    const text = word[0];
    const literal: Literal | undefined = text === 'null' ? { kind: 'null' } : text === 'true' || text === 'false' ? { kind: 'boolean', value: text === 'true' } : undefined;
    tokens.push({ text, at: i, ...(literal ? { literal } : {}) });
    i += text.length;
  }
  return tokens;
}

export function parseFilter(source: string, entitySet: EntitySet): FilterNode {
  const tokens = tokenize(source);
  let position = 0;
  const typeName = `Microsoft.Dynamics.CRM.${TABLES[entitySet].logicalName}`;
  const peek = () => tokens[position];
  const syntax = () => odataError(400, `Syntax error at position ${peek()?.at ?? source.length} in '${source}'.`);
  const expect = (text: string) => {
    if (peek()?.text !== text) throw syntax();
    position++;
  };
  const column = (token: Token | undefined): ColumnDefinition => {
    if (!token || token.literal || !/^[A-Za-z_]/.test(token.text)) throw syntax();
    const found = columnOf(entitySet, token.text);
    if (!found) throw odataError(400, `Could not find a property named '${token.text}' on type '${typeName}'.`);
    return found;
  };

  const primary = (): FilterNode => {
    const token = peek();
    if (!token) throw syntax();
    if (token.text === '(') {
      position++;
      const inner = orExpression();
      expect(')');
      return inner;
    }
    if (token.text === 'not') {
      position++;
      return { kind: 'not', operand: primary() };
    }
    if ((token.text === 'contains' || token.text === 'startswith' || token.text === 'endswith') && tokens[position + 1]?.text === '(') {
      position += 2;
      const target = column(tokens[position++]);
      expect(',');
      const literal = tokens[position++]?.literal;
      if (literal?.kind !== 'string') throw syntax();
      expect(')');
      return { kind: 'function', name: token.text, column: target, text: literal.value };
    }
    const target = column(tokens[position++]);
    const op = peek()?.text;
    if (!op || !(op in OPERATOR_KIND)) throw syntax();
    position++;
    const literal = tokens[position++]?.literal;
    if (!literal) throw syntax();
    checkTypes(target, op as Comparison, literal);
    return { kind: 'compare', op: op as Comparison, column: target, literal };
  };
  const andExpression = (): FilterNode => {
    let left = primary();
    while (peek()?.text === 'and') {
      position++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpression = (): FilterNode => {
    let left = andExpression();
    while (peek()?.text === 'or') {
      position++;
      left = { kind: 'or', left, right: andExpression() };
    }
    return left;
  };

  const tree = orExpression();
  if (position < tokens.length) throw syntax();
  return tree;
}

const EDM: Record<string, string> = { DateTime: 'Edm.DateTimeOffset', Uniqueidentifier: 'Edm.Guid', Lookup: 'Edm.Guid', Customer: 'Edm.Guid', Owner: 'Edm.Guid', Integer: 'Edm.Int32', BigInt: 'Edm.Int64', Money: 'Edm.Decimal', Picklist: 'Edm.Int32', State: 'Edm.Int32', Status: 'Edm.Int32', String: 'Edm.String', Memo: 'Edm.String' };
const LITERAL_EDM: Record<Literal['kind'], string> = { string: 'Edm.String', datetime: 'Edm.DateTimeOffset', guid: 'Edm.Guid', number: 'Edm.Int32', null: 'null', boolean: 'Edm.Boolean' };

/** A quoted datetime (`modifiedon gt '2024-…'`) is the classic mistake; Dataverse refuses it as OData does. */
function checkTypes(column: ColumnDefinition, op: Comparison, literal: Literal): void {
  if (literal.kind === 'null') return;
  const columnEdm = EDM[column.type];
  const literalEdm = LITERAL_EDM[literal.kind];
  const numeric = (edm: string) => edm === 'Edm.Int32' || edm === 'Edm.Int64' || edm === 'Edm.Decimal';
  if (columnEdm === literalEdm || (numeric(columnEdm) && literal.kind === 'number')) return;
  throw odataError(400, `A binary operator with incompatible types was detected. Found operand types '${columnEdm}' and '${literalEdm}' for operator kind '${OPERATOR_KIND[op]}'.`);
}

/** Comparable form of a stored value: ms for dates, SQL order keys for GUIDs, lower-case text, numbers. */
export function comparable(column: ColumnDefinition, value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  switch (EDM[column.type]) {
    case 'Edm.DateTimeOffset':
      return Date.parse(String(value));
    case 'Edm.Guid':
      return sqlOrderKey(String(value));
    case 'Edm.String':
      return String(value).toLowerCase();
    default:
      return Number(value);
  }
}

function literalValue(column: ColumnDefinition, literal: Literal): number | string | null {
  switch (literal.kind) {
    case 'null':
      return null;
    case 'guid':
      return sqlOrderKey(literal.value);
    case 'string':
      return literal.value.toLowerCase();
    case 'boolean':
      return literal.value ? 1 : 0;
    default:
      return EDM[column.type] === 'Edm.DateTimeOffset' || literal.kind === 'number' ? literal.value : null;
  }
}

export function matches(node: FilterNode, row: StoredRow, read: (row: StoredRow, column: ColumnDefinition) => unknown): boolean {
  switch (node.kind) {
    case 'and':
      return matches(node.left, row, read) && matches(node.right, row, read);
    case 'or':
      return matches(node.left, row, read) || matches(node.right, row, read);
    case 'not':
      return !matches(node.operand, row, read);
    case 'function': {
      const value = read(row, node.column);
      if (typeof value !== 'string') return false;
      const haystack = value.toLowerCase();
      const needle = node.text.toLowerCase();
      return node.name === 'contains' ? haystack.includes(needle) : node.name === 'startswith' ? haystack.startsWith(needle) : haystack.endsWith(needle);
    }
    case 'compare': {
      const left = comparable(node.column, read(row, node.column));
      const right = literalValue(node.column, node.literal);
      // SQL's three-valued logic: only eq/ne can match a null.
      if (left === null || right === null) return node.op === 'eq' ? left === right : node.op === 'ne' ? left !== right : false;
      switch (node.op) {
        case 'eq':
          return left === right;
        case 'ne':
          return left !== right;
        case 'gt':
          return left > right;
        case 'ge':
          return left >= right;
        case 'lt':
          return left < right;
        case 'le':
          return left <= right;
      }
    }
  }
}
