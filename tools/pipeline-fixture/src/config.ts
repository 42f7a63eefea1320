// The pipeline's cdc.yaml: one source, its destinations, NATS and the coordinator, in the shape
// every e2e test uses (short intervals so tests do not wait on defaults).

/** A setting's value: arrays are written as JSON (a YAML flow sequence), records as nested maps. */
export type SettingValue = string | number | boolean | readonly string[] | Settings | undefined;
export interface Settings {
  readonly [key: string]: SettingValue;
}

export interface NatsSettings {
  /** One server's URL, or every server's of a cluster. */
  readonly urls: string | readonly string[];
  /** nats.replicas (default: the product's, 1). */
  readonly replicas?: number;
  /** Extra YAML lines under `nats` (indented by the caller). */
  readonly extra?: string;
}

export interface SourceEntry {
  readonly name: string;
  readonly type: 'postgres' | 'vitess';
  /** The source type's own settings (connection, intervals). */
  readonly settings: Settings;
  readonly tables: readonly string[];
  readonly partitions?: number;
}

export interface DestinationEntry {
  readonly name: string;
  readonly type: 'postgres' | 'mysql';
  readonly url: string;
  /** Where every table lands (the destination's `schema`), when set. */
  readonly schema?: string;
  /** `batch` settings besides max_wait_ms (20), e.g. `{ max_bytes: 4096 }`. */
  readonly batch?: Readonly<Record<string, number>>;
  /** Extra YAML lines under the entry (indented by the caller). */
  readonly extra?: string;
}

/** Caller-written YAML lines, ended by a newline so the next entry starts on its own line. */
function extraLines(extra: string | undefined): string {
  return extra && !extra.endsWith('\n') ? `${extra}\n` : (extra ?? '');
}

function yamlLines(settings: Settings, indent: number): string {
  const pad = ' '.repeat(indent);
  return Object.entries(settings)
    .map(([key, value]) => {
      if (value === undefined) return '';
      if (Array.isArray(value)) return `${pad}${key}: ${JSON.stringify(value)}\n`;
      if (typeof value === 'object') return `${pad}${key}:\n${yamlLines(value as Settings, indent + 2)}`;
      return `${pad}${key}: ${String(value)}\n`;
    })
    .join('');
}

/** The config file's text; `sourceExtra` is YAML under the source entry (indented by the caller). */
export function renderConfig(
  nats: NatsSettings,
  source: SourceEntry,
  sourceExtra: string | undefined,
  destinations: readonly DestinationEntry[],
): string {
  const natsLines = yamlLines({ url: nats.urls, replicas: nats.replicas }, 2);
  const sourceLines = yamlLines(
    {
      name: source.name,
      type: source.type,
      ...source.settings,
      tables: source.tables,
      partitions: source.partitions ?? 4,
      publish: { watermark_interval_ms: 200 },
    },
    4,
  ).replace(/^ {4}/, '  - ');
  const destinationLines = destinations
    .map(
      (destination) =>
        yamlLines(
          {
            name: destination.name,
            type: destination.type,
            url: destination.url,
            sources: [source.name],
            create_tables: true,
            schema: destination.schema,
            batch: { max_wait_ms: 20, ...destination.batch },
          },
          4,
        ).replace(/^ {4}/, '  - ') + extraLines(destination.extra),
    )
    .join('');
  return `nats:
${natsLines}${extraLines(nats.extra)}sources:
${sourceLines}${extraLines(sourceExtra)}destinations:
${destinationLines}coordinator:
  interval_ms: 200
`;
}
