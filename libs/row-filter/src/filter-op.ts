import { expandRows, keyColumnIndexes, plainOp, type ChangeOp } from '@cdc/change-envelope';
import type { RowPredicate } from './evaluate';

/**
 * What of one op passes a row filter, with the semantics of a Postgres publication row filter:
 * - an insert or snapshot row passes when its row matches;
 * - an update whose new row matches stays an update, except that an old row known not to match
 *   makes it an insert (the row moves INTO the filter: the destination never had it);
 * - an update whose new row does not match becomes a delete of its old key (the row moves OUT of
 *   the filter, or was never there: deleting a row the destination lacks changes nothing), and
 *   is dropped when its old row is known not to match either;
 * - a delete passes, unless its old row is known (replica identity full) and does not match;
 * - truncate and DDL pass.
 * A row that cannot be judged (the filter reads an unchanged TOAST value) passes as it is: the
 * destination keeps the value it has, as it would without a filter.
 * 'rows' ops (snapshot chunks) are judged row by row; a chunk whose rows all pass stays whole.
 */
export function filterOp(op: ChangeOp, matches: RowPredicate): ChangeOp[] {
  switch (op.kind) {
    case 'truncate':
    case 'ddl':
      return [op];
    case 'rows': {
      const rows = expandRows(op);
      const kept = rows.filter((row) => passes(matches(row.after ?? [])));
      return kept.length === rows.length ? [op] : kept;
    }
    case 'insert':
    case 'snapshot-row':
      return passes(matches(op.after ?? [])) ? [op] : [];
    case 'delete':
      return op.before === undefined || passes(matches(op.before)) ? [op] : [];
    case 'update': {
      const now = matches(op.after ?? []);
      if (now === undefined) return [op];
      const before = op.before === undefined ? undefined : matches(op.before);
      const wasOutside = before === false || before === null;
      if (now !== true) return wasOutside ? [] : [asDelete(op)];
      return wasOutside ? [plainOp(op, { kind: 'insert', before: undefined })] : [op];
    }
  }
}

function passes(result: boolean | null | undefined): boolean {
  return result === true || result === undefined;
}

/** The update as the delete of its old row: its key (the old one for a key change) and old row if sent. */
function asDelete(op: ChangeOp): ChangeOp {
  if (op.before !== undefined) return plainOp(op, { kind: 'delete', after: undefined });
  const key = op.key.length > 0 ? op.key : keyColumnIndexes(op.table.columns).map((index) => op.after![index]);
  return plainOp(op, { kind: 'delete', key, after: undefined });
}
