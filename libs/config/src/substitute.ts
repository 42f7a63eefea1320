import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A string value after substitution. `substituted` values are never echoed in error messages. */
export interface Text {
  value: string;
  substituted: boolean;
}

/** Where references are resolved: variables from `env`, relative `${file:...}` paths from `baseDir`. */
export interface SubstitutionScope {
  readonly env: NodeJS.ProcessEnv;
  readonly baseDir: string;
}

/** A reference that cannot be resolved; `message` is the problem (the caller adds file and path). */
export class SubstitutionError extends Error {}

function fail(problem: string): never {
  throw new SubstitutionError(problem);
}

const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;
const MALFORMED =
  'malformed ${...} reference (expected ${NAME}, ${NAME:-default} or ${file:/path}; write $${ for a literal ${)';

/**
 * Replaces `${VAR}`, `${VAR:-default}` (default when VAR is unset or empty) and `${file:/path}`
 * (the file's trimmed contents) in one string value. `$${` stands for a literal `${`. Results are
 * not scanned again, so a variable's value can never inject another reference.
 */
export function substitute(scope: SubstitutionScope, input: string): Text {
  if (!input.includes('${')) return { value: input, substituted: false };
  let out = '';
  let substituted = false;
  let i = 0;
  while (i < input.length) {
    const dollar = input.indexOf('$', i);
    if (dollar < 0) {
      out += input.slice(i);
      break;
    }
    out += input.slice(i, dollar);
    if (input.startsWith('$${', dollar)) {
      out += '${';
      i = dollar + 3;
    } else if (input.startsWith('${', dollar)) {
      const end = input.indexOf('}', dollar + 2);
      if (end < 0) fail(MALFORMED);
      out += resolveReference(scope, input.slice(dollar + 2, end));
      substituted = true;
      i = end + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return { value: out, substituted };
}

function resolveReference(scope: SubstitutionScope, body: string): string {
  if (body.startsWith('file:')) {
    const file = body.slice('file:'.length).trim();
    if (!file) fail(MALFORMED);
    const absolute = resolve(scope.baseDir, file);
    try {
      return readFileSync(absolute, 'utf8').trim();
    } catch (error) {
      fail(`cannot read secret file ${JSON.stringify(absolute)} (${errorCode(error)})`);
    }
  }
  const match = VARIABLE.exec(body);
  if (!match) fail(MALFORMED);
  const [, name, fallback] = match;
  const value = scope.env[name];
  if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
  if (value === undefined) fail(`environment variable ${name} is not set`);
  return value;
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return error instanceof Error ? error.message : String(error);
}
