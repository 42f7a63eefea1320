import type { PipelineConfig } from './types';
import { redactUrl } from './url';

/** Keys whose values are credentials themselves (NATS password, token, NKey seed). */
const SECRET_KEYS = new Set(['password', 'token', 'nkeySeed']);
/** Maps whose keys are names from the user's databases (tables, columns, sources): kept as written. */
const NAME_MAPS = new Set(['tables', 'tablePolicies', 'rename', 'values']);
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * The config as the services see it, every default filled in, as plain data with the YAML file's
 * snake_case keys (`cdc config explain`). Credentials are hidden: URLs go through redactUrl,
 * and password/token/nkey_seed show as `***`. Keys of name maps (`tables`, `rename`, ...) are
 * table and column names, so they are not renamed.
 */
export function effectiveConfig(config: PipelineConfig): Record<string, unknown> {
  return toYamlShape(config, false) as Record<string, unknown>;
}

function toYamlShape(value: unknown, namesAsKeys: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => toYamlShape(item, false));
  if (typeof value === 'string') return URL_LIKE.test(value) ? redactUrl(value) : value;
  if (value === null || typeof value !== 'object') return value;
  const shaped: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const yamlKey = namesAsKeys ? key : snakeCase(key);
    shaped[yamlKey] =
      !namesAsKeys && SECRET_KEYS.has(key) && typeof item === 'string'
        ? '***'
        : toYamlShape(item, !namesAsKeys && NAME_MAPS.has(key));
  }
  return shaped;
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
