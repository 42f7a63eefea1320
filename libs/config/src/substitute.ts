import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fail, type Context } from './context';

/** A string value after substitution. `substituted` values are never echoed in error messages. */
export interface Text {
  value: string;
  substituted: boolean;
}

const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;
const MALFORMED =
  'malformed ${...} reference (expected ${NAME}, ${NAME:-default} or ${file:/path}; write $${ for a literal ${)';

/**
 * Replaces `${VAR}`, `${VAR:-default}` (default when VAR is unset or empty) and `${file:/path}`
 * (the file's trimmed contents) in one string value. `$${` stands for a literal `${`. Results are
 * not scanned again, so a variable's value can never inject another reference.
 */
export function substitute(ctx: Context, path: string, input: string): Text {
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
      if (end < 0) fail(ctx, path, MALFORMED);
      out += resolveReference(ctx, path, input.slice(dollar + 2, end));
      substituted = true;
      i = end + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return { value: out, substituted };
}

function resolveReference(ctx: Context, path: string, body: string): string {
  if (body.startsWith('file:')) {
    const file = body.slice('file:'.length).trim();
    if (!file) fail(ctx, path, MALFORMED);
    const absolute = resolve(ctx.baseDir, file);
    try {
      return readFileSync(absolute, 'utf8').trim();
    } catch (error) {
      fail(ctx, path, `cannot read secret file ${JSON.stringify(absolute)} (${errorCode(error)})`);
    }
  }
  const match = VARIABLE.exec(body);
  if (!match) fail(ctx, path, MALFORMED);
  const [, name, fallback] = match;
  const value = ctx.env[name];
  if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
  if (value === undefined) fail(ctx, path, `environment variable ${name} is not set`);
  return value;
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return error instanceof Error ? error.message : String(error);
}
