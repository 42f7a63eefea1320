import * as z from 'zod';
import { FilterSyntaxError, parseFilter } from '@cdc/row-filter';
import { splitQualified, tableMatches } from './tables';
import { boolean, integer, nameMap, optionalText, problem, section, show, text } from './values';

/*
 * Row filters and column transforms (issue 19): `filters` on a postgres source and on a
 * destination, `transforms` and `transform_key` on a destination. A filter is parsed here (the
 * expression language of libs/row-filter), so one that does not parse is a config error at
 * start; its columns and types are checked against the source's tables when the reader starts,
 * a destination's when the applier first sees the table.
 */

export type TransformKind = 'hash' | 'redact' | 'null' | 'mask_email' | 'mask_phone' | 'constant' | 'truncate' | 'expr';

/** What a destination writes instead of a column's value (libs/apply, column-transforms.ts). */
export type ColumnTransform = (
  | { readonly kind: 'hash' | 'redact' | 'null' | 'mask_email' | 'mask_phone' }
  | { readonly kind: 'constant'; readonly value: string | number | boolean | null }
  | { readonly kind: 'truncate'; readonly length: number }
  /** A derived column: a new column computed by an expression of the row-filter language. */
  | { readonly kind: 'expr'; readonly expression: string }
) & {
  /** Allowed on a key column (`on_key: true`; hash only). */
  readonly onKey: boolean;
};

const WORDS = ['hash', 'redact', 'null', 'mask_email', 'mask_phone'] as const;
const KINDS = [...WORDS, 'constant', 'truncate', 'expr'];

export const rowFilters = (where: string) =>
  nameMap(text())
    .optional()
    .describe(
      `\`table pattern: boolean SQL expression\` over the row's columns (README, "Row filters"): only matching rows are replicated${where}. Supported: column names, string/number/boolean/NULL literals, \`= <> < <= > >=\`, \`AND OR NOT\`, \`IN (...)\`, \`IS [NOT] NULL\`, \`[NOT] LIKE/ILIKE\`, \`[NOT] BETWEEN\`; an UPDATE moving a row out of the filter becomes a delete, into it an insert.`,
    );

export const columnTransforms = () =>
  nameMap(
    nameMap(
      z.union([
        text(),
        section({
          transform: text().optional().describe('hash, redact, null, mask_email or mask_phone.'),
          constant: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional().describe('A fixed value.'),
          truncate: integer(0).optional().describe('Keep the first n characters.'),
          expr: text()
            .optional()
            .describe(
              "A derived column: a new destination column (not a source column's name) computed from the row by an expression of the row filters' language: a column (its copy, its type), a literal (text, int8 or numeric, bool), or a condition (bool, NULL when unknown).",
            ),
          on_key: boolean().optional().describe('Allow it on a key column (hash only).'),
        }),
      ]),
    ),
  )
    .optional()
    .describe(
      '`table pattern: {column: transform}`, applied by the applier once per op (README, "Column transforms"): `hash` (HMAC-SHA256 under `transform_key`: deterministic, equal inputs give equal outputs in every table and source), `redact`, `null`, `{constant: v}`, `{truncate: n}`, `mask_email`, `mask_phone`, and `{expr: "..."}` for a derived column (README, "Derived columns"). A key column only with `{transform: hash, on_key: true}`.',
    );

export const transformKey = () =>
  optionalText().describe(
    'The secret key of the `hash` transform (at least 16 bytes), e.g. `${file:/run/secrets/hash-key}`; required when a `hash` transform is configured; never shown.',
  );

/** A filter or transform key: "schema.table" or "table" (in `defaultSchema`), `*` wildcards. */
function pattern(ctx: z.RefinementCtx, key: string, path: PropertyKey[], defaultSchema: string): string {
  const parts = splitQualified(key);
  if (parts && (parts.schema === '' || parts.table === '')) {
    problem(ctx, `expected a table pattern "schema.table" or "table", got ${JSON.stringify(key)}`, path);
  }
  return parts ? key : `${defaultSchema}.${key}`;
}

/** `filters`, patterns normalized, every expression parsed; undefined when none is set. */
export function resolveFilters(
  ctx: z.RefinementCtx,
  filters: Record<string, string> | undefined,
  owner: string,
  defaultSchema: string,
  /** The source's table patterns: a literal table must be one of them. */
  tables?: readonly string[],
): Record<string, string> | undefined {
  if (filters === undefined || Object.keys(filters).length === 0) return undefined;
  const resolved: Record<string, string> = {};
  for (const [key, expression] of Object.entries(filters)) {
    const path = ['filters', key];
    const table = pattern(ctx, key, path, defaultSchema);
    const literal = splitQualified(table);
    if (
      tables !== undefined &&
      !table.includes('*') &&
      literal &&
      !tableMatches(tables, literal.schema, literal.table)
    ) {
      problem(ctx, `table ${JSON.stringify(table)} is not matched by this source's tables`, path);
    }
    try {
      parseFilter(expression);
    } catch (error) {
      if (!(error instanceof FilterSyntaxError)) throw error;
      problem(ctx, `${owner}, table ${table}: filter ${show(expression)} ${error.message}`, path);
    }
    if (table in resolved) problem(ctx, `duplicate table pattern ${JSON.stringify(table)}`, path);
    resolved[table] = expression;
  }
  return resolved;
}

type TransformInput =
  | string
  | {
      transform?: string;
      constant?: string | number | boolean | null;
      truncate?: number;
      expr?: string;
      onKey?: boolean;
    };

/** `transforms` checked (kinds, one transform per column) and `transform_key` required by hash. */
export function resolveTransforms(
  ctx: z.RefinementCtx,
  transforms: Record<string, Record<string, TransformInput>> | undefined,
  key: string | undefined,
  owner: string,
): Record<string, Record<string, ColumnTransform>> | undefined {
  if (transforms === undefined || Object.keys(transforms).length === 0) return undefined;
  const resolved: Record<string, Record<string, ColumnTransform>> = {};
  let hashes = false;
  for (const [tableKey, columns] of Object.entries(transforms)) {
    const table = pattern(ctx, tableKey, ['transforms', tableKey], 'public');
    const perColumn: Record<string, ColumnTransform> = {};
    for (const [column, input] of Object.entries(columns)) {
      const path = ['transforms', tableKey, column];
      const where = `${owner}, table ${table}, column ${column}`;
      const transform = columnTransform(ctx, input, where, path);
      if (transform.kind === 'hash') hashes = true;
      perColumn[column] = transform;
    }
    if (Object.keys(perColumn).length === 0) problem(ctx, 'must name at least one column', ['transforms', tableKey]);
    resolved[table] = perColumn;
  }
  if (hashes && key === undefined) {
    problem(ctx, 'required by the hash transform (a secret: ${file:/run/secrets/...} or ${ENV})', ['transform_key']);
  }
  if (key !== undefined && Buffer.byteLength(key, 'utf8') < 16) {
    problem(ctx, 'is shorter than 16 bytes (a short key makes hashes guessable)', ['transform_key']);
  }
  return resolved;
}

function columnTransform(
  ctx: z.RefinementCtx,
  input: TransformInput,
  where: string,
  path: PropertyKey[],
): ColumnTransform {
  const word = (value: string, at: PropertyKey[]): ColumnTransform => {
    if ((WORDS as readonly string[]).includes(value)) return { kind: value as (typeof WORDS)[number], onKey: false };
    const hint = value === 'constant' || value === 'truncate' || value === 'expr' ? ` (write {${value}: ...})` : '';
    return problem(ctx, `${where}: unknown transform ${show(value)}${hint} (expected one of ${KINDS.join(', ')})`, at);
  };
  if (typeof input === 'string') return word(input, path);
  const given = (['transform', 'constant', 'truncate', 'expr'] as const).filter((name) => input[name] !== undefined);
  if (given.length !== 1) {
    problem(
      ctx,
      `${where}: expected exactly one of transform, constant, truncate, expr${given.length > 1 ? ` (got ${given.join(', ')})` : ''}`,
      path,
    );
  }
  const onKey = input.onKey === true;
  if (given[0] === 'expr') {
    // Parsed now, so one that does not parse is a config error at start; its columns and types
    // are checked against the table when the reader starts and when the applier first sees it.
    try {
      parseFilter(input.expr!);
    } catch (error) {
      if (!(error instanceof FilterSyntaxError)) throw error;
      problem(ctx, `${where}: expr ${show(input.expr!)} ${error.message}`, [...path, 'expr']);
    }
    if (onKey) problem(ctx, `${where}: on_key does not apply to a derived column (it is never a key)`, path);
    return { kind: 'expr', expression: input.expr!, onKey: false };
  }
  if (given[0] === 'constant') return { kind: 'constant', value: input.constant ?? null, onKey };
  if (given[0] === 'truncate') return { kind: 'truncate', length: input.truncate!, onKey };
  return { ...word(input.transform!, [...path, 'transform']), onKey };
}
