import * as z from 'zod';
import { configSchema } from './schema';

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (draft 2020-12) of the YAML file, from the same schema the parser uses: what
 * the file may hold before defaults and `${...}` substitution (a number or boolean may be a quoted
 * reference). Checks that span keys (a destination's sources exist, ...) are the parser's alone.
 */
export function configJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema }) => {
      // zod leaves out a default in front of a transform (it is an output value); ours are valid input too.
      const def = zodSchema._zod.def as { type: string; defaultValue?: unknown };
      if (def.type === 'default' && jsonSchema.default === undefined) jsonSchema.default = def.defaultValue;
      // A default the parser derives (`mode: clone` of a long-form table entry) is declared in meta.
      const meta = z.globalRegistry.get(zodSchema) as { default?: unknown } | undefined;
      if (meta?.default !== undefined && jsonSchema.default === undefined) jsonSchema.default = meta.default;
      // z.int()'s safe-integer bounds say nothing to a reader.
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  }) as JsonSchema;
  allowNullForOptionalKeys(schema);
  return {
    $schema: schema.$schema,
    title: 'cdc config',
    ...schema,
    // Top-level keys starting with x- are ignored by the parser: a home for YAML anchors.
    patternProperties: { '^x-': {} },
  };
}

/** `snapshot:` with nothing after it is null, which the parser reads as absent. */
function allowNullForOptionalKeys(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) allowNullForOptionalKeys(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const object = node as JsonSchema;
  for (const value of Object.values(object)) allowNullForOptionalKeys(value);
  const properties = object.properties as Record<string, JsonSchema> | undefined;
  if (properties === undefined) return;
  const required = new Set((object.required as string[] | undefined) ?? []);
  for (const [key, property] of Object.entries(properties)) {
    if (required.has(key)) continue;
    // Description and default stay on the outside, where editors show them.
    const { description, default: fallback, ...rest } = property;
    properties[key] = {
      ...(description !== undefined ? { description } : {}),
      ...(fallback !== undefined ? { default: fallback } : {}),
      anyOf: [rest, { type: 'null' }],
    };
  }
}
