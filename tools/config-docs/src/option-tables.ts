import { configJsonSchema } from '@cdc/config';
import { format, resolveConfig } from 'prettier';

/*
 * The option tables of libs/config/README.md, written from the config's JSON Schema (so from the
 * schema the parser uses): one row per key, nested mappings flattened (`snapshot.enabled`). Each
 * table sits between `<!-- options:NAME -->` and `<!-- /options -->`; `npm run docs:config`
 * rewrites them and a test checks the committed README equals the result.
 */

type Schema = {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
};

interface Row {
  key: string;
  type: string;
  default: string;
  meaning: string;
}

/** The schema without what every value may also be: null (absent) and a quoted `${...}` reference. */
function plain(schema: Schema): Schema {
  const alternatives = (schema.anyOf ?? []).filter(
    (alternative) => alternative.type !== 'null' && alternative.pattern !== '\\$\\{',
  );
  if (schema.anyOf === undefined || alternatives.length !== 1) return schema;
  const { anyOf: _anyOf, ...rest } = schema;
  return plain({ ...rest, ...alternatives[0], description: schema.description, default: schema.default });
}

function typeOf(schema: Schema): string {
  const value = plain(schema);
  if (value.anyOf !== undefined) {
    return value.anyOf
      .filter((alternative) => alternative.type !== 'null')
      .map(typeOf)
      .join(' or ');
  }
  if (value.type === 'array') return `list of ${value.items ? typeOf(value.items) : 'value'}`;
  if (value.type === 'object') return 'mapping';
  return value.type ?? 'value';
}

function defaultOf(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

/**
 * The rows of a mapping's keys, in schema order. A nested mapping with a default (`snapshot`)
 * is flattened into its keys; one whose presence means something (`tls`) gets a row too.
 */
function rowsOf(object: Schema, prefix = '', parentRequired = true): Row[] {
  const rows: Row[] = [];
  const required = new Set(object.properties ? (object.required ?? []) : []);
  for (const [key, property] of Object.entries(object.properties ?? {})) {
    const value = plain(property);
    const path = `${prefix}${key}`;
    const isRequired = required.has(key);
    const nested = value.type === 'object' && value.properties !== undefined;
    if (!nested || property.default === undefined) {
      rows.push({
        key: `\`${path}\``,
        type: typeOf(property),
        default:
          property.default !== undefined
            ? defaultOf(property.default)
            : isRequired
              ? parentRequired
                ? 'required'
                : `required in \`${prefix.slice(0, -1)}\``
              : '—',
        meaning: (property.description ?? '').replace(/\|/g, '\\|'),
      });
    }
    if (nested) rows.push(...rowsOf(value, `${path}.`, parentRequired && isRequired));
  }
  return rows;
}

function markdown(rows: readonly Row[]): string {
  const lines = ['| Key | Type | Default | Meaning |', '| --- | --- | --- | --- |'];
  for (const row of rows) lines.push(`| ${row.key} | ${row.type} | ${row.default} | ${row.meaning} |`);
  return lines.join('\n');
}

/** The keys of `object` not in `other`, or described otherwise there. */
function differing(object: Schema, other: Schema): Schema {
  const properties = Object.fromEntries(
    Object.entries(object.properties ?? {}).filter(
      ([key, property]) =>
        other.properties?.[key] === undefined ||
        JSON.stringify(plain(other.properties[key])) !== JSON.stringify(plain(property)),
    ),
  );
  return { ...object, properties };
}

function only(object: Schema, keys: readonly string[], include: boolean): Schema {
  const properties = Object.fromEntries(
    Object.entries(object.properties ?? {}).filter(([key]) => keys.includes(key) === include),
  );
  return { ...object, properties };
}

/** Every generated table, by its name in the README's markers. */
export function optionTables(): Record<string, string> {
  const root = configJsonSchema() as Schema;
  const property = (object: Schema, key: string) => plain(object.properties![key]);
  const [postgresSource, vitessSource] = property(root, 'sources').items!.oneOf!;
  const [postgresDestination, mysqlDestination] = property(root, 'destinations').items!.oneOf!;
  const consolidation = ['source_id', 'missing_columns'];
  const tableEntry = plain(
    (property(postgresDestination, 'tables').additionalProperties as Schema).anyOf!.find(
      (alternative) => alternative.type === 'object',
    )!,
  );
  const tables: Record<string, Row[]> = {
    nats: rowsOf(property(root, 'nats')),
    'postgres-source': rowsOf(postgresSource),
    'vitess-source': rowsOf(differing(vitessSource, postgresSource)),
    destination: rowsOf(only(postgresDestination, consolidation, false)),
    'mysql-destination': rowsOf(only(differing(mysqlDestination, postgresDestination), consolidation, false)),
    consolidation: rowsOf(only(postgresDestination, consolidation, true)),
    'table-entry': rowsOf(tableEntry),
    coordinator: rowsOf(property(root, 'coordinator')),
  };
  return Object.fromEntries(Object.entries(tables).map(([name, rows]) => [name, markdown(rows)]));
}

const BLOCK = /(<!-- options:([a-z-]+) -->)[\s\S]*?(<!-- \/options -->)/g;

/** The README with every marked table written anew, formatted as `npm run format` would. */
export async function withOptionTables(readme: string, file: string): Promise<string> {
  const tables = optionTables();
  const used = new Set<string>();
  const replaced = readme.replace(BLOCK, (_, open: string, name: string, close: string) => {
    const table = tables[name];
    if (table === undefined) throw new Error(`${file}: no option table named ${name}`);
    used.add(name);
    return `${open}\n\n${table}\n\n${close}`;
  });
  const unused = Object.keys(tables).filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`${file}: no place for the option tables ${unused.join(', ')}`);
  return format(replaced, { ...(await resolveConfig(file)), filepath: file });
}
