import { configError } from './error';

/** What the validators need to know about the file being read. */
export interface Context {
  /** The label used in error messages (usually the path as given). */
  readonly file: string;
  /** Variables for `${VAR}` substitution. */
  readonly env: NodeJS.ProcessEnv;
  /** Directory that relative `${file:...}` paths are resolved against. */
  readonly baseDir: string;
}

export function fail(ctx: Context, path: string, problem: string): never {
  throw configError(ctx.file, path, problem);
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `parent.key`, or `parent["odd key"]` for keys that are not plain words (e.g. "public.users"). */
export function keyPath(parent: string, key: string): string {
  if (PLAIN_KEY.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A YAML value's type as users know it, for "expected X, got Y". */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return isMapping(value) ? 'mapping' : 'binary or tagged value';
  return typeof value;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
