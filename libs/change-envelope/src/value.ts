/**
 * A typed column value. Integers travel as exact decimal strings (int8 and unsigned
 * bigint do not fit a JS number); temporal and decimal values as the source's text.
 */
export type Value =
  | { readonly kind: 'null' }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'integer'; readonly value: string }
  | { readonly kind: 'unsigned'; readonly value: string }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'array'; readonly value: readonly Value[] }
  | { readonly kind: TextualKind; readonly value: string };

export type TextualKind =
  'decimal' | 'text' | 'json' | 'date' | 'time' | 'timestamp' | 'timestamptz' | 'uuid' | 'enum' | 'interval';

export type ValueKind = Value['kind'];

export const NULL_VALUE: Value = Object.freeze({ kind: 'null' });
/** A Postgres TOAST column the source did not send: the destination keeps what it has. */
export const UNCHANGED_VALUE: Value = Object.freeze({ kind: 'unchanged' });

export function isNull(value: Value): boolean {
  return value.kind === 'null';
}

export function isUnchanged(value: Value): boolean {
  return value.kind === 'unchanged';
}
