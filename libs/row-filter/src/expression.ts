import { Parser } from 'node-sql-parser/build/postgresql';

/**
 * A row filter: a boolean SQL expression over one row's columns, in the subset every place that
 * evaluates it understands (a Postgres publication row filter, a snapshot's WHERE, the evaluator
 * in evaluate.ts). The user's text is parsed once into this tree; nothing of the text itself is
 * ever sent to a server: SQL is rendered from the tree (render.ts).
 */
export type FilterExpression =
  | { readonly kind: 'column'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: Literal }
  | { readonly kind: 'and' | 'or'; readonly left: FilterExpression; readonly right: FilterExpression }
  | { readonly kind: 'not'; readonly operand: FilterExpression }
  | {
      readonly kind: 'compare';
      readonly operator: CompareOperator;
      readonly left: FilterExpression;
      readonly right: FilterExpression;
    }
  | {
      readonly kind: 'in';
      readonly operand: FilterExpression;
      readonly list: readonly FilterExpression[];
      readonly negated: boolean;
    }
  | { readonly kind: 'is-null'; readonly operand: FilterExpression; readonly negated: boolean }
  | {
      readonly kind: 'like';
      readonly operand: FilterExpression;
      readonly pattern: FilterExpression;
      readonly negated: boolean;
      /** ILIKE. */
      readonly caseInsensitive: boolean;
    }
  | {
      readonly kind: 'between';
      readonly operand: FilterExpression;
      readonly low: FilterExpression;
      readonly high: FilterExpression;
      readonly negated: boolean;
    };

export type CompareOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Literal =
  | { readonly type: 'null' }
  | { readonly type: 'boolean'; readonly value: boolean }
  /** The number as written (exact: compared as a decimal, never through a float first). */
  | { readonly type: 'number'; readonly text: string }
  | { readonly type: 'string'; readonly value: string };

/** A filter that does not parse, or uses something outside the supported subset. One line. */
export class FilterSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const COMPARE: Readonly<Record<string, CompareOperator>> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

const SUPPORTED =
  'supported: column references, string/number/boolean/NULL literals, = <> < <= > >=, AND, OR, NOT, IN (...), IS [NOT] NULL, [NOT] LIKE/ILIKE, [NOT] BETWEEN';

let parser: Parser | undefined;

/**
 * Parses a filter with node-sql-parser's PostgreSQL grammar (the text is parsed as the WHERE of
 * a bare SELECT, and anything but that one WHERE is refused: a second statement, a FROM, a
 * UNION). Unquoted identifiers fold to lower case as in Postgres. Throws FilterSyntaxError.
 */
export function parseFilter(text: string): FilterExpression {
  if (text.trim() === '') throw new FilterSyntaxError('is empty');
  parser ??= new Parser();
  const quoted = extractQuoted(text);
  let ast: unknown;
  try {
    ast = parser.astify(`SELECT 1 WHERE ${quoted.text}`, { database: 'postgresql' });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new FilterSyntaxError(`does not parse: ${message.replace(/^Expected .* but /, 'unexpected input: ')}`);
  }
  const statements = Array.isArray(ast) ? ast : [ast];
  const select = statements[0] as Record<string, unknown> | undefined;
  if (statements.length !== 1 || !select || select.type !== 'select' || !select.where) {
    throw new FilterSyntaxError('must be one boolean expression (no ";" and no second statement)');
  }
  for (const clause of ['from', 'groupby', 'having', 'orderby', 'window', 'with', '_next']) {
    const value = select[clause];
    if (value !== null && value !== undefined && !(clause === 'groupby' && isEmptyGroupBy(value))) {
      throw new FilterSyntaxError('must be one boolean expression, not a query');
    }
  }
  const limit = select.limit as { value?: unknown[] } | null | undefined;
  if (limit && Array.isArray(limit.value) && limit.value.length > 0) {
    throw new FilterSyntaxError('must be one boolean expression, not a query');
  }
  return convert(select.where, quoted);
}

/** The user's quoted strings and identifiers, each replaced by a numbered placeholder. */
interface Quoted {
  readonly text: string;
  readonly strings: readonly string[];
  readonly identifiers: readonly string[];
}

/**
 * Takes every '...' string and "..." identifier out of the text before node-sql-parser sees it,
 * read as Postgres reads them (standard_conforming_strings: a doubled quote is one quote, and a
 * backslash is an ordinary character): the parser reads backslash escapes in strings, as MySQL
 * does, and no doubled quote in an identifier. The placeholders are plain words it cannot
 * misread. Comments and E'...' strings are refused rather than half understood.
 */
function extractQuoted(text: string): Quoted {
  const strings: string[] = [];
  const identifiers: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const character = text[i];
    if (character === "'" || character === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length)
          throw new FilterSyntaxError(
            `does not parse: unterminated ${character === "'" ? 'string' : 'quoted identifier'}`,
          );
        if (text[j] === character) {
          if (text[j + 1] === character) {
            value += character;
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j += 1;
      }
      if (character === "'") {
        if (/[A-Za-z0-9_]$/.test(out)) {
          throw new FilterSyntaxError("uses a prefixed string (E'...', B'...', ...): write a plain '...' string");
        }
        out += `'s${strings.length}'`;
        strings.push(value);
      } else {
        if (value === '') throw new FilterSyntaxError('does not parse: empty quoted identifier');
        out += `"i${identifiers.length}"`;
        identifiers.push(value);
      }
      i = j + 1;
      continue;
    }
    if (text.startsWith('--', i) || text.startsWith('/*', i))
      throw new FilterSyntaxError('uses a comment, which filters do not support');
    if (character === '$' || character === '\\' || character === ';') {
      throw new FilterSyntaxError(
        `does not parse: unexpected ${JSON.stringify(character)}${character === ';' ? ' (one expression, no second statement)' : ''}`,
      );
    }
    out += character;
    i += 1;
  }
  return { text: out, strings, identifiers };
}

function placeholder(value: unknown, prefix: 's' | 'i', table: readonly string[]): string {
  const match = typeof value === 'string' ? new RegExp(`^${prefix}(\\d+)$`).exec(value) : null;
  const found = match ? table[Number(match[1])] : undefined;
  if (found === undefined) throw new FilterSyntaxError('does not parse: unexpected quoting');
  return found;
}

function isEmptyGroupBy(value: unknown): boolean {
  const columns = (value as { columns?: unknown }).columns;
  return columns === null || columns === undefined || (Array.isArray(columns) && columns.length === 0);
}

type Node = Record<string, unknown>;

function convert(raw: unknown, quoted: Quoted): FilterExpression {
  const sub = (node: unknown) => convert(node, quoted);
  if (raw === null || typeof raw !== 'object') throw unsupported('an empty expression');
  const node = raw as Node;
  if (node.parentheses === true && node.ast !== undefined) throw unsupported('a subquery');
  switch (node.type) {
    case 'column_ref':
      return { kind: 'column', name: columnName(node, quoted) };
    case 'single_quote_string':
      return { kind: 'literal', value: { type: 'string', value: placeholder(node.value, 's', quoted.strings) } };
    case 'number':
    case 'bigint': {
      const text = String(node.value);
      if (!NUMBER.test(text)) throw unsupported(`the number ${text}`);
      return { kind: 'literal', value: { type: 'number', text } };
    }
    case 'bool':
      return { kind: 'literal', value: { type: 'boolean', value: node.value === true } };
    case 'null':
      return { kind: 'literal', value: { type: 'null' } };
    case 'unary_expr':
      return convertUnary(node, sub);
    case 'binary_expr':
      return convertBinary(node, sub);
    case 'function': {
      // node-sql-parser reads "NOT (a AND b)" as a call of a function named NOT.
      const name = (node.name as { name?: Array<{ value?: unknown }> } | undefined)?.name;
      const args = (node.args as { value?: unknown[] } | undefined)?.value;
      if (name?.length === 1 && String(name[0].value).toUpperCase() === 'NOT' && args?.length === 1) {
        return { kind: 'not', operand: sub(args[0]) };
      }
      throw unsupported('a function call');
    }
    case 'aggr_func':
      throw unsupported('a function call');
    case 'cast':
      throw unsupported('a cast (compare with a plain literal: the column type decides)');
    default:
      throw unsupported(describeNode(node));
  }
}

function convertUnary(node: Node, convert: (node: unknown) => FilterExpression): FilterExpression {
  const operator = String(node.operator).toUpperCase();
  if (operator === 'NOT') return { kind: 'not', operand: convert(node.expr) };
  if (operator === '-') {
    const operand = convert(node.expr);
    if (operand.kind === 'literal' && operand.value.type === 'number' && !operand.value.text.startsWith('-')) {
      return { kind: 'literal', value: { type: 'number', text: `-${operand.value.text}` } };
    }
  }
  throw unsupported(`the operator ${operator}`);
}

function convertBinary(node: Node, convert: (node: unknown) => FilterExpression): FilterExpression {
  const operator = String(node.operator).toUpperCase();
  const left = () => convert(node.left);
  switch (operator) {
    case 'AND':
    case '&&':
      return { kind: 'and', left: left(), right: convert(node.right) };
    case 'OR':
    case '||':
      if (operator === '||') throw unsupported('the operator || (string concatenation)');
      return { kind: 'or', left: left(), right: convert(node.right) };
    case 'IN':
    case 'NOT IN': {
      const list = node.right as Node;
      if (list?.type !== 'expr_list' || !Array.isArray(list.value)) throw unsupported('IN with a subquery');
      return { kind: 'in', operand: left(), list: list.value.map(convert), negated: operator === 'NOT IN' };
    }
    case 'IS':
    case 'IS NOT': {
      const right = node.right as Node;
      if (right?.type !== 'null') throw unsupported(`${operator} other than IS [NOT] NULL`);
      return { kind: 'is-null', operand: left(), negated: operator === 'IS NOT' };
    }
    case 'LIKE':
    case 'NOT LIKE':
    case 'ILIKE':
    case 'NOT ILIKE':
      return {
        kind: 'like',
        operand: left(),
        pattern: convert(node.right),
        negated: operator.startsWith('NOT'),
        caseInsensitive: operator.endsWith('ILIKE'),
      };
    case 'BETWEEN':
    case 'NOT BETWEEN': {
      const bounds = node.right as Node;
      if (bounds?.type !== 'expr_list' || !Array.isArray(bounds.value) || bounds.value.length !== 2) {
        throw unsupported('BETWEEN without two bounds');
      }
      return {
        kind: 'between',
        operand: left(),
        low: convert(bounds.value[0]),
        high: convert(bounds.value[1]),
        negated: operator === 'NOT BETWEEN',
      };
    }
    default: {
      const compare = COMPARE[operator];
      if (compare === undefined) throw unsupported(`the operator ${operator}`);
      return { kind: 'compare', operator: compare, left: left(), right: convert(node.right) };
    }
  }
}

function columnName(node: Node, quoted: Quoted): string {
  if (node.table !== null && node.table !== undefined)
    throw unsupported('a qualified column name (write the column alone)');
  const column = node.column as Node | string;
  if (typeof column === 'string') throw unsupported('this column reference');
  const expr = (column as { expr?: Node }).expr;
  if (expr?.type === 'double_quote_string') return placeholder(expr.value, 'i', quoted.identifiers);
  if (expr?.type === 'default' && typeof expr.value === 'string') return expr.value.toLowerCase();
  throw unsupported('this column reference');
}

function describeNode(node: Node): string {
  if (node.type === 'default' && typeof node.value === 'string' && /^[eE]'/.test(node.value)) {
    return "an E'...' string (write a plain '...' string)";
  }
  return typeof node.type === 'string' ? `a ${node.type.replace(/_/g, ' ')}` : 'this expression';
}

function unsupported(what: string): FilterSyntaxError {
  return new FilterSyntaxError(`uses ${what}, which filters do not support (${SUPPORTED})`);
}

/** Every column the expression reads, in order of first use. */
export function columnsOf(expression: FilterExpression): string[] {
  const names: string[] = [];
  const visit = (node: FilterExpression): void => {
    switch (node.kind) {
      case 'column':
        if (!names.includes(node.name)) names.push(node.name);
        return;
      case 'literal':
        return;
      case 'and':
      case 'or':
      case 'compare':
        visit(node.left);
        visit(node.right);
        return;
      case 'not':
      case 'is-null':
        visit(node.operand);
        return;
      case 'in':
        visit(node.operand);
        node.list.forEach(visit);
        return;
      case 'like':
        visit(node.operand);
        visit(node.pattern);
        return;
      case 'between':
        visit(node.operand);
        visit(node.low);
        visit(node.high);
        return;
    }
  };
  visit(expression);
  return names;
}
