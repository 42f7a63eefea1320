import { fail, indexPath, isMapping, keyPath, typeName, type Context } from './context';
import { closestKey } from './suggest';
import { substitute, type Text } from './substitute';

/** One element of a YAML list, with its path for error messages. */
export interface Item {
  path: string;
  value: unknown;
}

export interface IntRange {
  min: number;
  max?: number;
}

/** How a value appears in an error message: quoted, unless it came from substitution (it may be a secret). */
export function show(text: Text): string {
  return text.substituted ? '(value from ${...}, not shown)' : JSON.stringify(text.value);
}

/** A string leaf: must be a string, gets `${...}` substitution. */
export function readText(ctx: Context, path: string, value: unknown): Text {
  if (typeof value !== 'string') fail(ctx, path, expected('string', value));
  return substitute(ctx, path, value);
}

/** A required, non-empty string leaf. */
export function readString(ctx: Context, path: string, value: unknown): Text {
  const text = readText(ctx, path, value);
  if (text.value === '') fail(ctx, path, 'must not be empty');
  return text;
}

export function expected(type: string, value: unknown): string {
  const got = typeName(value);
  const hint = type === 'string' && (got === 'integer' || got === 'number' || got === 'boolean') ? ' (quote it)' : '';
  return `expected ${type}, got ${got}${hint}`;
}

/**
 * Reads the keys of one YAML mapping. Construction rejects unknown keys before anything else is
 * checked, so a misspelt key is reported as such rather than as a missing one. A null value
 * (`key:` with nothing after it) counts as absent.
 */
export class Fields {
  private constructor(
    readonly ctx: Context,
    readonly path: string,
    private readonly raw: Record<string, unknown>,
  ) {}

  /**
   * `value` must be a mapping (or absent, unless `required`) whose keys are all in `known`.
   * `ignoreKey` lets some keys through unchecked (top-level `x-` keys).
   */
  static of(
    ctx: Context,
    path: string,
    value: unknown,
    known: readonly string[],
    options: { ignoreKey?: (key: string) => boolean } = {},
  ): Fields {
    if (value === undefined || value === null) return new Fields(ctx, path, {});
    if (!isMapping(value)) fail(ctx, path, expected('mapping', value));
    for (const key of Object.keys(value)) {
      if (known.includes(key) || options.ignoreKey?.(key)) continue;
      const suggestion = closestKey(key, known);
      const hint =
        suggestion !== undefined ? `did you mean ${JSON.stringify(suggestion)}?` : `known keys: ${known.join(', ')}`;
      fail(ctx, keyPath(path, key), `unknown key (${hint})`);
    }
    return new Fields(ctx, path, value);
  }

  pathOf(key: string): string {
    return keyPath(this.path, key);
  }

  /** The raw value, undefined when absent or null. */
  get(key: string): unknown {
    if (!Object.prototype.hasOwnProperty.call(this.raw, key)) return undefined;
    const value = this.raw[key];
    return value === null ? undefined : value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The raw value; "required" when absent. */
  require(key: string): unknown {
    const value = this.get(key);
    if (value === undefined) fail(this.ctx, this.pathOf(key), 'required');
    return value;
  }

  /** A required non-empty string. */
  text(key: string): Text {
    return readString(this.ctx, this.pathOf(key), this.require(key));
  }

  string(key: string): string {
    return this.text(key).value;
  }

  /** An optional string: absent, null and "" (e.g. from `${TOKEN:-}`) all mean "not set". */
  optionalText(key: string): Text | undefined {
    const value = this.get(key);
    if (value === undefined) return undefined;
    const text = readText(this.ctx, this.pathOf(key), value);
    return text.value === '' ? undefined : text;
  }

  optionalString(key: string): string | undefined {
    return this.optionalText(key)?.value;
  }

  /** An integer in range, `fallback` when absent. A string from `${...}` substitution is converted. */
  int(key: string, fallback: number, range: IntRange): number {
    const path = this.pathOf(key);
    const value = this.get(key);
    if (value === undefined) return fallback;
    let number: number;
    let shown: string;
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) fail(this.ctx, path, expected('integer', value));
      number = value;
      shown = String(value);
    } else {
      const text = this.substitutedScalar(path, value, 'integer');
      if (!/^[+-]?\d+$/.test(text.value.trim())) fail(this.ctx, path, `expected integer, got ${show(text)}`);
      number = Number(text.value.trim());
      shown = text.substituted ? show(text) : String(number);
    }
    const { min, max } = range;
    if (number < min || (max !== undefined && number > max) || !Number.isSafeInteger(number)) {
      const bounds = max !== undefined ? `between ${min} and ${max}` : `at least ${min}`;
      fail(this.ctx, path, `must be ${bounds}, got ${shown}`);
    }
    return number;
  }

  /** A boolean, `fallback` when absent. A string from `${...}` substitution may be true/false. */
  bool(key: string, fallback: boolean): boolean {
    const path = this.pathOf(key);
    const value = this.get(key);
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    const text = this.substitutedScalar(path, value, 'boolean');
    const word = text.value.trim().toLowerCase();
    if (word === 'true' || word === 'false') return word === 'true';
    return fail(this.ctx, path, `expected boolean (true or false), got ${show(text)}`);
  }

  /** A nested mapping with its own known keys; absent means all its defaults. */
  fields(key: string, known: readonly string[], required = false): Fields {
    const value = required ? this.require(key) : this.get(key);
    return Fields.of(this.ctx, this.pathOf(key), value, known);
  }

  /** A list (required unless `optional`), with each element's path. */
  list(key: string, optional = false): Item[] {
    const path = this.pathOf(key);
    const value = optional ? this.get(key) : this.require(key);
    if (value === undefined) return [];
    if (!Array.isArray(value)) fail(this.ctx, path, expected('list', value));
    return value.map((element: unknown, index) => ({ path: indexPath(path, index), value: element }));
  }

  /** The entries of a mapping whose keys are free-form (e.g. table names). */
  entries(key: string): Array<Item & { key: string }> {
    const path = this.pathOf(key);
    const value = this.get(key);
    if (value === undefined) return [];
    if (!isMapping(value)) fail(this.ctx, path, expected('mapping', value));
    return Object.keys(value).map((entryKey) => ({
      key: entryKey,
      path: keyPath(path, entryKey),
      value: value[entryKey],
    }));
  }

  /** Only strings that contain a `${...}` reference may stand in for numbers and booleans. */
  private substitutedScalar(path: string, value: unknown, type: string): Text {
    if (typeof value !== 'string') fail(this.ctx, path, expected(type, value));
    const text = substitute(this.ctx, path, value);
    if (!text.substituted) fail(this.ctx, path, expected(type, value));
    return text;
  }
}
