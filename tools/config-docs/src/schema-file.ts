import { configJsonSchema } from '@cdc/config';
import { format, resolveConfig } from 'prettier';

/**
 * libs/config/cdc-config.schema.json: the output of `cdc config schema`, committed so files in
 * this repository can name it (`# yaml-language-server: $schema=...`) without a built CLI.
 */
export async function schemaFileText(file: string): Promise<string> {
  return format(JSON.stringify(configJsonSchema()), { ...(await resolveConfig(file)), filepath: file });
}
