import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { configError } from './error';
import { parseWithContext } from './parse';
import type { PipelineConfig } from './types';

/**
 * Reads, parses and validates a config file. `${file:...}` paths are relative to the file's directory.
 * Throws ConfigError (message "config error: <file>: <path>: <problem>").
 */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): PipelineConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
    throw configError(file, undefined, `cannot read file (${code})`);
  }
  return parseWithContext(text, { file, env, baseDir: dirname(resolve(file)) });
}

/**
 * Parses and validates config text; `fileLabel` names it in errors. `${file:...}` paths are relative
 * to the working directory. Throws ConfigError.
 */
export function parseConfig(text: string, fileLabel: string, env: NodeJS.ProcessEnv = process.env): PipelineConfig {
  return parseWithContext(text, { file: fileLabel, env, baseDir: process.cwd() });
}
