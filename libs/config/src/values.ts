import { accessSync, constants } from 'node:fs';
import * as z from 'zod';
import { typeName } from './context';
import { closestKey } from './suggest';
import { substitute, SubstitutionError, type SubstitutionScope, type Text } from './substitute';

// A config is parsed once per process: zod's JIT (object parsers compiled with new Function) costs
// more at that first parse (about 30 ms here) than it saves.
z.config({ jitless: true });

/*
 * The pieces the config schema is built from: zod schemas whose messages are the config's own
 * ("expected integer, got string", "unknown key (did you mean ...)") and whose JSON Schema (the
 * input side) is what the YAML file may hold, so a number or boolean may also be a quoted
 * `${...}` reference. String values are substituted here, leaf by leaf, so a reference under a
 * misspelt key is never resolved and a failing one is reported at its own path.
 */

interface ParseState extends SubstitutionScope {
  /** Values that came from substitution: never echoed in a message (they may be secrets). */
  readonly substituted: Set<string>;
}

let current: ParseState | undefined;

/** Runs one parse with this scope. zod has no per-parse context; parsing is synchronous, so a variable serves. */
export function withScope<T>(scope: SubstitutionScope, parse: () => T): T {
  const previous = current;
  current = { env: scope.env, baseDir: scope.baseDir, substituted: new Set() };
  try {
    return parse();
  } finally {
    current = previous;
  }
}

/** How a value appears in a message: quoted, unless it came from substitution. */
export function show(value: string): string {
  return current?.substituted.has(value) ? '(value from ${...}, not shown)' : JSON.stringify(value);
}

function showText(text: Text): string {
  return text.substituted ? '(value from ${...}, not shown)' : JSON.stringify(text.value);
}

export function expected(type: string, value: unknown): string {
  const got = typeName(value);
  const hint = type === 'string' && (got === 'integer' || got === 'number' || got === 'boolean') ? ' (quote it)' : '';
  return `expected ${type}, got ${got}${hint}`;
}

/** The message of a value of the wrong type; an absent one is "required". */
export function typeError(type: string) {
  return (issue: { input?: unknown }): string => (issue.input === undefined ? 'required' : expected(type, issue.input));
}

/** A problem found while transforming a value; `path` is relative to the value. */
export function problem(ctx: z.RefinementCtx, message: string, path: PropertyKey[] = []): never {
  ctx.addIssue({ code: 'custom', message, path });
  return z.NEVER;
}

function resolve(raw: string, ctx: z.RefinementCtx): Text | undefined {
  if (current === undefined) throw new Error('config values are parsed inside withScope');
  try {
    const text = substitute(current, raw);
    if (text.substituted) current.substituted.add(text.value);
    return text;
  } catch (error) {
    if (!(error instanceof SubstitutionError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return undefined;
  }
}

/** A problem with a string value (after substitution), or undefined when it is fine. */
export type Check = (value: string) => string | undefined;

const REFERENCE = /\$\{/;

/** A required, non-empty string; `check` may reject it. */
export function text(check?: Check) {
  return z
    .string({ error: typeError('string') })
    .min(1, { error: 'must not be empty' })
    .transform((raw, ctx) => {
      const resolved = resolve(raw, ctx);
      if (resolved === undefined) return z.NEVER;
      if (resolved.value === '') return problem(ctx, 'must not be empty');
      const found = check?.(resolved.value);
      return found === undefined ? resolved.value : problem(ctx, found);
    });
}

/** An optional string: absent, null and "" (e.g. from `${TOKEN:-}`) all mean "not set". */
export function optionalText(check?: Check) {
  return z
    .string({ error: typeError('string') })
    .transform((raw, ctx): string | undefined => {
      const resolved = resolve(raw, ctx);
      if (resolved === undefined || resolved.value === '') return undefined;
      const found = check?.(resolved.value);
      return found === undefined ? resolved.value : problem(ctx, found);
    })
    .optional();
}

/** A file the services read at start: checked now, so a typo is a config error, not a connect failure. */
export function readableFile() {
  return optionalText((path) => {
    try {
      accessSync(path, constants.R_OK);
      return undefined;
    } catch (error) {
      return `cannot read ${JSON.stringify(path)} (${(error as { code?: string }).code ?? 'unreadable'})`;
    }
  });
}

/** A quoted `${...}` reference standing in for a number or boolean. */
function reference(type: string) {
  return z
    .string({ error: typeError(type) })
    .regex(REFERENCE, { error: (issue) => expected(type, issue.input) })
    .describe('a ${...} reference');
}

/** An integer in range; a `${...}` reference is converted. */
export function integer(min: number, max?: number) {
  const bounds = max !== undefined ? `between ${min} and ${max}` : `at least ${min}`;
  const outOfRange = (shown: string) => `must be ${bounds}, got ${shown}`;
  const atLeast = z
    .int({ error: typeError('integer') })
    .min(min, { error: (issue) => outOfRange(String(issue.input)) });
  const number = max === undefined ? atLeast : atLeast.max(max, { error: (issue) => outOfRange(String(issue.input)) });
  return z.union([number, reference('integer')], { error: typeError('integer') }).transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const resolved = resolve(value, ctx);
    if (resolved === undefined) return z.NEVER;
    if (!resolved.substituted) return problem(ctx, expected('integer', value));
    const trimmed = resolved.value.trim();
    if (!/^[+-]?\d+$/.test(trimmed)) return problem(ctx, `expected integer, got ${showText(resolved)}`);
    const parsed = Number(trimmed);
    if (parsed < min || (max !== undefined && parsed > max) || !Number.isSafeInteger(parsed)) {
      return problem(ctx, outOfRange(showText(resolved)));
    }
    return parsed;
  });
}

/** A boolean; a `${...}` reference may be true or false. */
export function boolean() {
  return z
    .union([z.boolean({ error: typeError('boolean') }), reference('boolean')], { error: typeError('boolean') })
    .transform((value, ctx) => {
      if (typeof value === 'boolean') return value;
      const resolved = resolve(value, ctx);
      if (resolved === undefined) return z.NEVER;
      if (!resolved.substituted) return problem(ctx, expected('boolean', value));
      const word = resolved.value.trim().toLowerCase();
      if (word === 'true' || word === 'false') return word === 'true';
      return problem(ctx, `expected boolean (true or false), got ${showText(resolved)}`);
    });
}

/** One of a few words (case-insensitive); the JSON Schema lists them for completion. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string({ error: typeError('string') })
    .transform((raw, ctx): T[number] => {
      const resolved = resolve(raw, ctx);
      if (resolved === undefined) return z.NEVER;
      const value = resolved.value.toLowerCase();
      if (values.includes(value)) return value;
      return problem(ctx, `expected one of ${values.join(', ')}, got ${showText(resolved)}`);
    })
    .meta({ anyOf: [{ enum: [...values] }, { pattern: REFERENCE.source }] });
}

/** A list; `empty` is the message when it must not be empty. */
export function list<T extends z.ZodType>(item: T, empty?: string) {
  const array = z.array(item, { error: typeError('list') });
  return empty === undefined ? array : array.min(1, { error: empty });
}

/** A mapping whose keys are the user's names (tables, columns, sources), kept as written. */
export function nameMap<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value, { error: typeError('mapping') });
}

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;
type Camelized<T> = { [K in keyof T as K extends string ? CamelCase<K> : K]: T[K] };

/**
 * A mapping with known keys, in documentation order (unknown keys are errors with a suggestion).
 * The parsed value has camelCase keys (`status_interval_ms` -> `statusIntervalMs`) and no
 * undefined ones.
 */
export function section<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape);
  const fields = Object.fromEntries(
    Object.entries(shape).map(([key, field]) => [key, absentWhenNull(field)]),
  ) as unknown as S;
  return z
    .strictObject(fields, {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? unknownKey(String(issue.keys[0]), known) : typeError('mapping')(issue),
    })
    .transform((value) => {
      const camel: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined) camel[key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = item;
      }
      return camel as Camelized<typeof value>;
    });
}

/**
 * A key with no value (`snapshot:`) or `null` counts as absent, so defaults apply; unless null is
 * one of the key's own values (a transform's `constant: null`). A `type` literal is left as it is:
 * discriminated unions read it.
 */
function absentWhenNull(field: z.core.$ZodType): z.core.$ZodType {
  if (field._zod.def.type === 'literal' || acceptsNull(field)) return field;
  return z.preprocess((value) => (value === null ? undefined : value), field);
}

function acceptsNull(field: z.core.$ZodType): boolean {
  try {
    return z.safeParse(field, null).success;
  } catch {
    return false;
  }
}

export function unknownKey(key: string, known: readonly string[]): string {
  const suggestion = closestKey(key, known);
  return `unknown key (${suggestion !== undefined ? `did you mean ${JSON.stringify(suggestion)}?` : `known keys: ${known.join(', ')}`})`;
}
