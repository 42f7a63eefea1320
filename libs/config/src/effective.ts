import type { PipelineConfig } from './types';
import { redactUrl } from './url';

/** Keys whose values are credentials themselves (NATS password, token, NKey seed, the hash transform's key). */
const SECRET_KEYS = new Set(['password', 'token', 'nkeySeed', 'transformKey']);
/**
 * Maps whose keys are names from the user's databases (tables, columns, sources): kept as
 * written, for this many levels (`transforms`: table pattern, then column).
 */
const NAME_MAPS = new Map([
  ['tables', 1],
  ['tablePolicies', 1],
  ['rename', 1],
  ['values', 1],
  ['filters', 1],
  ['transforms', 2],
]);
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * The config as the services see it, every default filled in, as plain data with the YAML file's
 * snake_case keys (`cdc config explain`). Credentials are hidden: URLs go through redactUrl,
 * and password/token/nkey_seed show as `***`. Keys of name maps (`tables`, `rename`, ...) are
 * table and column names, so they are not renamed.
 */
export function effectiveConfig(config: PipelineConfig): Record<string, unknown> {
  return toYamlShape(config, 0) as Record<string, unknown>;
}

function toYamlShape(value: unknown, nameLevels: number): unknown {
  if (Array.isArray(value)) return value.map((item) => toYamlShape(item, 0));
  if (typeof value === 'string') return URL_LIKE.test(value) ? redactUrl(value) : value;
  if (value === null || typeof value !== 'object') return value;
  const shaped: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const namesAsKeys = nameLevels > 0;
    const yamlKey = namesAsKeys ? key : snakeCase(key);
    shaped[yamlKey] =
      !namesAsKeys && SECRET_KEYS.has(key) && typeof item === 'string'
        ? '***'
        : toYamlShape(item, namesAsKeys ? nameLevels - 1 : (NAME_MAPS.get(key) ?? 0));
  }
  return shaped;
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
