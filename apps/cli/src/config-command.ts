import { configJsonSchema, effectiveConfig, loadConfig } from '@cdc/config';
import YAML from 'yaml';

/**
 * `cdc config check FILE`: the file is read, substituted and validated exactly as a service
 * would at start, and nothing is connected to. Throws the ConfigError (one line) when it is wrong.
 */
export function checkConfig(file: string): string {
  const config = loadConfig(file);
  const list = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none');
  return [
    `ok: ${file}`,
    `sources: ${list(config.sources.map((s) => `${s.name} (${s.type}, ${s.partitions} partitions)`))}`,
    `destinations: ${list(config.destinations.map((d) => `${d.name} (${d.type}, from ${d.sources.join(', ')})`))}`,
  ].join('\n');
}

/** `cdc config explain FILE`: the effective config, defaults filled in, credentials hidden. */
export function explainConfig(file: string, json: boolean): string {
  const effective = effectiveConfig(loadConfig(file));
  if (json) return JSON.stringify(effective, null, 2);
  return `# ${file} as the services see it: every default filled in, credentials shown as ***\n${YAML.stringify(effective)}`;
}

/** `cdc config schema`: the JSON Schema of the file, for editors (and `# yaml-language-server: $schema=`). */
export function configSchemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2);
}
