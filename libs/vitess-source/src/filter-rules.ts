import { escape, escapeId } from 'mysql2';
import { columnKindOf, type Column } from '@cdc/change-envelope';
import type { CompareOperator, FilterExpression, Literal } from '@cdc/row-filter';

/**
 * VStream filter rules for table glob patterns ("orders", "order_*"): a rule whose match starts
 * with "/" is a regular expression over table names (Go syntax), which also picks up tables
 * created later that match.
 */
export function tablePatternRules(tablePatterns: readonly string[]): Array<{ match: string }> {
  return tablePatterns.map((pattern) => ({
    match: `/^${pattern
      .split('*')
      .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
      .join('.*')}$`,
  }));
}

/** A row filter split into what VStream evaluates and what is left to the reader. */
export interface VStreamFilterSplit {
  /** The rule's `select * from t where ...`, when a part of the filter can be pushed down. */
  readonly rule?: { readonly match: string; readonly filter: string };
  /** The conjuncts VStream cannot evaluate (the whole filter when no rule); undefined when none. */
  readonly remainder?: FilterExpression;
}

/**
 * Splits a table's filter at its top-level ANDs: the conjuncts VStream's rule can express go
 * into a `select * from t where ...` rule, the rest is evaluated by the reader. The shapes are
 * those of Vitess v22's vstreamer planbuilder (analyzeWhere): an AND of `column op literal`
 * (= != < <= > >=), `column IN (literals)`, `column IS [NOT] NULL` and `column [NOT] BETWEEN
 * literal AND literal`; no OR, NOT, LIKE, NOT IN, functions, or NULL and negative literals
 * (the planbuilder takes no unary minus). A rule it refuses would stop the stream, so only
 * these are pushed, and only where the comparison is plain in both MySQL and the binlog: a
 * number with an integer or decimal column, a string with a text column (char, varchar,
 * text, under the column's collation). `NOT c` and `c` on an integer column are pushed as
 * `c = 0` and `c != 0` (MySQL's reading), TRUE / FALSE as 1 / 0.
 *
 * Both halves together keep the publication-filter semantics: VStream sends an update whose old
 * row matches its rule and new row does not as a delete (only the before image), the reverse as
 * an insert (vstreamer.processRowEvent), and the reader's filterOp does the same for the rest.
 * The copy phase reads with the same WHERE (the rowstreamer pushes it into its SELECT).
 */
export function splitForVStream(
  table: string,
  expression: FilterExpression,
  columns: readonly Column[],
): VStreamFilterSplit {
  const byName = new Map(columns.map((column) => [column.name.toLowerCase(), column]));
  const pushed: string[] = [];
  const kept: FilterExpression[] = [];
  for (const conjunct of conjuncts(expression)) {
    const sql = pushable(conjunct, byName);
    if (sql === undefined) kept.push(conjunct);
    else pushed.push(sql);
  }
  const remainder = kept.reduce<FilterExpression | undefined>(
    (left, right) => (left === undefined ? right : { kind: 'and', left, right }),
    undefined,
  );
  return {
    ...(pushed.length > 0
      ? { rule: { match: table, filter: `select * from ${escapeId(table)} where ${pushed.join(' and ')}` } }
      : {}),
    ...(remainder !== undefined ? { remainder } : {}),
  };
}

function conjuncts(expression: FilterExpression): FilterExpression[] {
  return expression.kind === 'and' ? [...conjuncts(expression.left), ...conjuncts(expression.right)] : [expression];
}

const FLIPPED: Readonly<Record<CompareOperator, CompareOperator>> = {
  '=': '=',
  '<>': '<>',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};
const NEGATED: Readonly<Record<CompareOperator, CompareOperator>> = {
  '=': '<>',
  '<>': '=',
  '<': '>=',
  '<=': '>',
  '>': '<=',
  '>=': '<',
};

type ColumnClass = 'number' | 'text' | 'other';

/** What VStream compares exactly as MySQL does: integers and decimals with numbers, text with strings. */
function classOf(column: Column): ColumnClass {
  const kind = columnKindOf(column).kind;
  if (kind === 'integer' || kind === 'unsigned' || kind === 'decimal') return 'number';
  // Character columns only: BIT, for one, reads as text in the envelope but is no string to MySQL.
  if (kind === 'text' && /^((var)?char|(tiny|medium|long)?text)\b/i.test(column.type.trim())) return 'text';
  return 'other';
}

/** The literal as VStream's planbuilder reads it, or undefined when it must not be pushed. */
function literalFor(value: Literal, columnClass: ColumnClass): string | undefined {
  switch (value.type) {
    case 'number':
      // Plain digits only: the planbuilder takes no unary minus, and exponents are left out.
      return columnClass === 'number' && /^\d+(\.\d+)?$/.test(value.text) ? value.text : undefined;
    case 'boolean':
      return columnClass === 'number' ? (value.value ? '1' : '0') : undefined;
    case 'string':
      // mysql2's escape writes backslash escapes, which Vitess's tokenizer reads as MySQL does.
      return columnClass === 'text' ? escape(value.value) : undefined;
    case 'null':
      return undefined;
  }
}

function pushable(node: FilterExpression, columns: ReadonlyMap<string, Column>): string | undefined {
  const columnOf = (operand: FilterExpression) =>
    operand.kind === 'column' ? columns.get(operand.name.toLowerCase()) : undefined;
  const sqlOperator = (operator: CompareOperator) => (operator === '<>' ? '!=' : operator);
  switch (node.kind) {
    case 'column': {
      const column = columnOf(node);
      return column && classOf(column) === 'number' ? `${escapeId(column.name)} != 0` : undefined;
    }
    case 'not': {
      const operand = node.operand;
      if (operand.kind === 'column') {
        const column = columnOf(operand);
        return column && classOf(column) === 'number' ? `${escapeId(column.name)} = 0` : undefined;
      }
      // Under three-valued logic NOT (c < 1) is c >= 1 (both NULL for a NULL c), and so on.
      if (operand.kind === 'compare') return pushable({ ...operand, operator: NEGATED[operand.operator] }, columns);
      if (operand.kind === 'is-null' || operand.kind === 'between')
        return pushable({ ...operand, negated: !operand.negated }, columns);
      return undefined;
    }
    case 'compare': {
      const [columnSide, literalSide, operator] =
        node.left.kind === 'column'
          ? [node.left, node.right, node.operator]
          : [node.right, node.left, FLIPPED[node.operator]];
      const column = columnOf(columnSide);
      if (!column || literalSide.kind !== 'literal') return undefined;
      const literal = literalFor(literalSide.value, classOf(column));
      return literal === undefined ? undefined : `${escapeId(column.name)} ${sqlOperator(operator)} ${literal}`;
    }
    case 'in': {
      const column = columnOf(node.operand);
      if (!column || node.negated || node.list.length === 0) return undefined;
      const items = node.list.map((item) =>
        item.kind === 'literal' ? literalFor(item.value, classOf(column)) : undefined,
      );
      if (items.some((item) => item === undefined)) return undefined;
      return `${escapeId(column.name)} in (${items.join(', ')})`;
    }
    case 'is-null': {
      const column = columnOf(node.operand);
      return column ? `${escapeId(column.name)} is ${node.negated ? 'not ' : ''}null` : undefined;
    }
    case 'between': {
      const column = columnOf(node.operand);
      if (!column || node.low.kind !== 'literal' || node.high.kind !== 'literal') return undefined;
      const low = literalFor(node.low.value, classOf(column));
      const high = literalFor(node.high.value, classOf(column));
      if (low === undefined || high === undefined) return undefined;
      return `${escapeId(column.name)} ${node.negated ? 'not ' : ''}between ${low} and ${high}`;
    }
    default:
      return undefined;
  }
}
