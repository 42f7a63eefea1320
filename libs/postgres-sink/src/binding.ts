import { createHash } from 'node:crypto';
import type { BoundTable } from '@cdc/apply';
import type { FieldMode } from './encode';

/** A source column bound to the destination column of the same name. */
export interface BoundColumn {
  readonly name: string;
  /** Quoted identifier. */
  readonly sql: string;
  /** `"name":` for the JSON rows. */
  readonly jsonKey: string;
  readonly mode: FieldMode;
  /** The destination type has a btree equality; otherwise rows are compared as text. */
  readonly comparable: boolean;
  /** What values are cast to (see TargetColumn.typeSql). */
  readonly typeSql: string;
}

/** A source table as written to one destination table; built from the destination catalog. */
export interface TableBinding extends BoundTable<BoundColumn> {
  /** SQL text per statement shape. */
  readonly sqlCache: Map<string, string>;
}

const names = new Map<string, string>();

/** Name of the prepared statement for a SQL text: a short hash, so plans are cached per connection. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = 'cdc_' + createHash('sha256').update(text).digest('hex').slice(0, 24);
    if (names.size > 10_000) names.clear();
    names.set(text, name);
  }
  return name;
}
