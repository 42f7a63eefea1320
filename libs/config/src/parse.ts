import { parseDocument } from 'yaml';
import { isMapping, type Context } from './context';
import { ConfigError } from './error';
import { configErrorOf } from './issues';
import { rememberLabel } from './labels';
import { configSchema } from './schema';
import type { PipelineConfig } from './types';
import { expected, withScope } from './values';

/** Top-level keys starting with `x-` are ignored: a place for YAML anchors (`x-defaults: &defaults`). */
export const isExtensionKey = (key: string): boolean => key.startsWith('x-');

/** Parses and validates the YAML text against the schema; every default is filled in. Throws ConfigError. */
export function parseWithContext(text: string, ctx: Context): PipelineConfig {
  const root = parseYaml(text, ctx);
  if (!isMapping(root)) throw configErrorOfProblem(ctx, 'top level', expected('mapping', root));
  const document = Object.fromEntries(Object.entries(root).filter(([key]) => !isExtensionKey(key)));
  const result = withScope(ctx, () => configSchema.safeParse(document));
  if (!result.success) throw configErrorOf(result.error, ctx.file);
  const config: PipelineConfig = result.data;
  rememberLabel(config, ctx.file);
  return config;
}

function configErrorOfProblem(ctx: Context, path: string, problem: string): ConfigError {
  return new ConfigError(`config error: ${ctx.file}: ${path}: ${problem}`, ctx.file, path);
}

function parseYaml(text: string, ctx: Context): unknown {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    // The first line only: the rest of a pretty message quotes the file, which may hold secrets.
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const position = error.linePos?.[0];
    const where = position ? `${ctx.file}:${position.line}:${position.col}` : ctx.file;
    throw new ConfigError(`config error: ${where}: ${message}`, ctx.file);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new ConfigError(`config error: ${ctx.file}: ${message}`, ctx.file);
  }
  if (value === null || value === undefined) {
    throw new ConfigError(
      `config error: ${ctx.file}: file is empty (expected a mapping with nats, sources and destinations)`,
      ctx.file,
    );
  }
  return value;
}
