import { configError } from './error';
import { labelOf } from './labels';
import type { DestinationConfig, PipelineConfig, SourceConfig } from './types';
import { tableMatches } from './tables';

/** The source with this name; ConfigError naming the known sources when there is none. */
export function findSource(config: PipelineConfig, name: string): SourceConfig {
  const source = config.sources.find((candidate) => candidate.name === name);
  if (!source) throw unknown(config, 'source', name, config.sources);
  return source;
}

/** The destination with this name; ConfigError naming the known destinations when there is none. */
export function findDestination(config: PipelineConfig, name: string): DestinationConfig {
  const destination = config.destinations.find((candidate) => candidate.name === name);
  if (!destination) throw unknown(config, 'destination', name, config.destinations);
  return destination;
}

/** The destinations that apply this source (possibly none); ConfigError when the source does not exist. */
export function destinationsOfSource(config: PipelineConfig, sourceName: string): DestinationConfig[] {
  findSource(config, sourceName);
  return config.destinations.filter((destination) => destination.sources.includes(sourceName));
}

function unknown(config: PipelineConfig, kind: string, name: string, known: ReadonlyArray<{ name: string }>) {
  const names = known.length > 0 ? known.map((item) => item.name).join(', ') : 'none';
  return configError(labelOf(config), undefined, `unknown ${kind} ${JSON.stringify(name)} (known: ${names})`);
}

/** Whether a table of this source is partitioned by key (`partition_by`); undefined when none is. */
export function keyPartitionedTables(source: SourceConfig): ((schema: string, table: string) => boolean) | undefined {
  const patterns = source.partitionByKey ?? [];
  if (patterns.length === 0) return undefined;
  return (schema, table) => tableMatches(patterns, schema, table);
}
