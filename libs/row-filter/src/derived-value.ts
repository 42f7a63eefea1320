import { NULL_VALUE, UNCHANGED_VALUE, type Column, type Value } from '@cdc/change-envelope';
import { FilterTypeError } from './comparison';
import { compileFilter, type CompileOptions } from './evaluate';
import type { FilterExpression } from './expression';

/** What a derived column is at the destination: its type, as a source column's would be. */
export type DerivedColumnType = Pick<Column, 'type' | 'typeOid' | 'elementTypeOid' | 'nullable' | 'valueKind'>;

export interface DerivedValue {
  readonly type: DerivedColumnType;
  /** The value for one row; UNCHANGED when it reads a value the row lacks (an unchanged TOAST column). */
  readonly evaluate: (row: readonly Value[]) => Value;
}

const BOOLEAN: DerivedColumnType = {
  type: 'bool',
  typeOid: 16,
  elementTypeOid: 0,
  nullable: true,
  valueKind: 'boolean',
};
const INT8_MAX = 2n ** 63n - 1n;

/**
 * A derived column's value (a destination's `transforms: {table: {column: {expr: ...}}}`): an
 * expression of the row-filter language evaluated as a value instead of a condition. Its type:
 * - a bare column: that column's value and type (a copy under another name);
 * - a string literal: text; an integer literal: int8 (numeric beyond int8); another number:
 *   numeric; TRUE / FALSE: bool; a bare NULL has no type and is refused;
 * - anything else (a comparison, AND / OR / NOT, IN, IS NULL, LIKE, BETWEEN): bool, with the
 *   filter's three-valued logic, so NULL where the condition is unknown (a WHERE would drop the
 *   row, a derived column holds NULL).
 * Unknown columns and literals a column cannot hold throw FilterTypeError, as for a filter.
 */
export function compileDerivedValue(
  expression: FilterExpression,
  columns: readonly Column[],
  options: CompileOptions = {},
): DerivedValue {
  if (expression.kind === 'column') {
    const fold = (name: string) => (options.dialect === 'mysql' ? name.toLowerCase() : name);
    const index = columns.findIndex((column) => fold(column.name) === fold(expression.name));
    if (index < 0) {
      throw new FilterTypeError(
        `unknown column ${JSON.stringify(expression.name)} (columns: ${columns.map((c) => c.name).join(', ')})`,
      );
    }
    const { type, typeOid, elementTypeOid, nullable, valueKind } = columns[index];
    return {
      type: { type, typeOid, elementTypeOid, nullable, ...(valueKind !== undefined ? { valueKind } : {}) },
      evaluate: (row) => row[index] ?? NULL_VALUE,
    };
  }
  if (expression.kind === 'literal') {
    const literal = expression.value;
    const constant = (type: DerivedColumnType, value: Value): DerivedValue => ({ type, evaluate: () => value });
    switch (literal.type) {
      case 'null':
        throw new FilterTypeError('is a bare NULL, which has no type (write a condition, a column or a typed literal)');
      case 'boolean':
        return constant({ ...BOOLEAN, nullable: false }, { kind: 'boolean', value: literal.value });
      case 'string':
        return constant(
          { type: 'text', typeOid: 25, elementTypeOid: 0, nullable: false, valueKind: 'text' },
          { kind: 'text', value: literal.value },
        );
      case 'number': {
        const integer =
          /^-?\d+$/.test(literal.text) && BigInt(literal.text) <= INT8_MAX && BigInt(literal.text) >= -INT8_MAX - 1n;
        return integer
          ? constant(
              { type: 'int8', typeOid: 20, elementTypeOid: 0, nullable: false, valueKind: 'integer' },
              { kind: 'integer', value: BigInt(literal.text).toString() },
            )
          : constant(
              { type: 'numeric', typeOid: 1700, elementTypeOid: 0, nullable: false, valueKind: 'decimal' },
              { kind: 'decimal', value: literal.text },
            );
      }
    }
  }
  const predicate = compileFilter(expression, columns, options);
  return {
    type: BOOLEAN,
    evaluate: (row) => {
      const result = predicate(row);
      if (result === undefined) return UNCHANGED_VALUE;
      return result === null ? NULL_VALUE : { kind: 'boolean', value: result };
    },
  };
}
