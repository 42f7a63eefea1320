import { postgresKindOfOid, valueOfText, type ColumnKind, type Value } from '@cdc/change-envelope';

/** What the reader knows about a column type, from pg_type. */
export interface TypeInfo {
  readonly oid: number;
  /** 'b' base, 'e' enum, 'd' domain, 'c' composite, 'r' range, 'm' multirange, 'p' pseudo. */
  readonly typtype: string;
  /** Element type for arrays. */
  readonly element?: TypeInfo;
  /** Underlying type for domains. */
  readonly base?: TypeInfo;
  /** Array element delimiter (',' for everything but box). */
  readonly delimiter: string;
}

const kinds = new WeakMap<TypeInfo, ColumnKind>();

/**
 * The kind of a column's values (Column.valueKind): a domain's is its base type's, an enum's
 * is enum, an array's names its element's; base types by oid (postgresKindOfOid).
 */
export function columnKindOfType(type: TypeInfo): ColumnKind {
  let kind = kinds.get(type);
  if (kind !== undefined) return kind;
  if (type.typtype === 'd' && type.base) kind = columnKindOfType(type.base);
  else if (type.element)
    kind = { kind: 'array', element: columnKindOfType(type.element), delimiter: type.element.delimiter || ',' };
  else if (type.typtype === 'e') kind = { kind: 'enum' };
  else kind = { kind: postgresKindOfOid(type.oid) };
  kinds.set(type, kind);
  return kind;
}

/**
 * Turns the server's text output of one value into a typed Value. The reader's sessions run
 * with DateStyle=ISO, TimeZone=UTC, IntervalStyle=postgres, bytea_output=hex and
 * extra_float_digits=3, so these text forms are fixed and lossless.
 */
export function decodeTextValue(text: string | null, type: TypeInfo): Value {
  return valueOfText(text, columnKindOfType(type));
}
