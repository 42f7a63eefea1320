import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseDocument } from 'yaml';
import { fail, isMapping, keyPath, type Context } from './context';
import { ConfigError } from './error';
import { Fields, readString, show, expected, type Item } from './fields';
import type { Text } from './substitute';
import { rememberLabel } from './labels';
import { DEFAULT_SCHEMA, splitPattern, splitQualified, tableMatches } from './tables';
import { urlProblem } from './url';
import type {
  BatchConfig,
  CoordinatorConfig,
  DestinationCommonConfig,
  DestinationConfig,
  DestinationType,
  DeletesPolicy,
  MissingColumnsPolicy,
  PropagationMode,
  SourceIdConfig,
  TablePolicy,
  NatsConfig,
  NatsTlsConfig,
  PipelineConfig,
  MysqlDestinationConfig,
  MysqlTlsConfig,
  PostgresDestinationConfig,
  PostgresSourceConfig,
  UnrepresentablePolicy,
  OnErrorPolicy,
  PublishConfig,
  VitessSourceConfig,
  VitessStartMode,
  VitessTabletType,
  SnapshotConfig,
  SourceConfig,
  SourceType,
} from './types';

const TOP_LEVEL_KEYS = ['nats', 'sources', 'destinations', 'coordinator'];
/** Top-level keys starting with `x-` are ignored: a place for YAML anchors (`x-defaults: &defaults`). */
const isExtensionKey = (key: string): boolean => key.startsWith('x-');

const NAME = /^[A-Za-z0-9_-]+$/;
const SLOT = /^[a-z0-9_]{1,63}$/;
/** Postgres truncates identifiers longer than this many bytes. */
const MAX_IDENTIFIER_BYTES = 63;
const POSTGRES_SCHEMES = ['postgres', 'postgresql'];
const NATS_SCHEMES = ['nats', 'tls', 'ws', 'wss'];

// ---------------------------------------------------------------------------------------------
// Source and destination types. Adding a type = adding its config interface to types.ts and one
// entry here; the mapped types make the compiler insist on the entry.
// ---------------------------------------------------------------------------------------------

interface SourceTypeSpec<T extends SourceConfig> {
  /** Every key a source of this type may have, `name` and `type` included, in documentation order. */
  keys: readonly string[];
  parse(fields: Fields, name: string): T;
}

interface DestinationTypeSpec<T extends DestinationConfig> {
  keys: readonly string[];
  parse(fields: Fields, name: string, sources: readonly SourceConfig[]): T;
}

const SOURCE_TYPES: { [K in SourceType]: SourceTypeSpec<Extract<SourceConfig, { type: K }>> } = {
  postgres: {
    keys: [
      'name',
      'type',
      'url',
      'publication',
      'slot',
      'tables',
      'partitions',
      'partition_by',
      'snapshot',
      'publish',
      'status_interval_ms',
      'table_discovery_interval_s',
      'large_transactions',
      'failover_urls',
    ],
    parse: parsePostgresSource,
  },
  vitess: {
    keys: [
      'name',
      'type',
      'vtgate',
      'keyspace',
      'shards',
      'tables',
      'tablet_type',
      'mysql',
      'mysql_tls',
      'start',
      'partitions',
      'partition_by',
      'publish',
      'heartbeat_interval_s',
      'stop_on_reshard',
      'reconnect',
    ],
    parse: parseVitessSource,
  },
};

const DESTINATION_TYPES: { [K in DestinationType]: DestinationTypeSpec<Extract<DestinationConfig, { type: K }>> } = {
  postgres: {
    keys: [
      'name',
      'type',
      'url',
      'sources',
      'create_tables',
      'tables',
      'schema',
      'batch',
      'concurrency',
      'membership',
      'on_error',
      'source_id',
      'missing_columns',
    ],
    parse: parsePostgresDestination,
  },
  mysql: {
    keys: [
      'name',
      'type',
      'url',
      'sources',
      'create_tables',
      'tables',
      'schema',
      'batch',
      'concurrency',
      'membership',
      'on_error',
      'unrepresentable',
      'load_data',
      'tls',
      'source_id',
      'missing_columns',
    ],
    parse: parseMysqlDestination,
  },
};

// ---------------------------------------------------------------------------------------------

/** Parses and validates the YAML text; every default is filled in. Throws ConfigError. */
export function parseWithContext(text: string, ctx: Context): PipelineConfig {
  const root = parseYaml(text, ctx);
  if (!isMapping(root)) fail(ctx, 'top level', expected('mapping', root));
  const top = Fields.of(ctx, '', root, TOP_LEVEL_KEYS, { ignoreKey: isExtensionKey });
  const nats = parseNats(top);
  const sources = parseSources(top);
  checkStreamLimit(top.ctx, nats, sources);
  const destinations = parseDestinations(top, sources);
  const coordinator = parseCoordinator(top);
  const config: PipelineConfig = { nats, sources, destinations, coordinator };
  rememberLabel(config, ctx.file);
  return config;
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

// --- nats ------------------------------------------------------------------------------------

function parseNats(top: Fields): NatsConfig {
  const f = top.fields(
    'nats',
    [
      'url',
      'user',
      'password',
      'token',
      'nkey_seed',
      'creds_file',
      'tls',
      'replicas',
      'max_bytes',
      'max_age_s',
      'quorum_lost_alert_s',
    ],
    true,
  );
  const raw = f.require('url');
  let url: string | string[];
  if (Array.isArray(raw)) {
    const items = f.list('url');
    if (items.length === 0) fail(f.ctx, f.pathOf('url'), 'must list at least one server');
    url = items.map((item) => natsUrl(f.ctx, item));
  } else if (typeof raw === 'string') {
    url = natsUrl(f.ctx, { path: f.pathOf('url'), value: raw });
  } else {
    return fail(f.ctx, f.pathOf('url'), expected('string or list of strings', raw));
  }
  const user = f.optionalString('user');
  const password = f.optionalString('password');
  const token = f.optionalString('token');
  const nkeySeed = f.optionalString('nkey_seed');
  const credsFile = f.optionalString('creds_file');
  if (password !== undefined && user === undefined) fail(f.ctx, f.pathOf('user'), 'required when password is set');
  if (user !== undefined && password === undefined) fail(f.ctx, f.pathOf('password'), 'required when user is set');
  const methods = [
    ['user', user],
    ['token', token],
    ['nkey_seed', nkeySeed],
    ['creds_file', credsFile],
  ].filter(([, value]) => value !== undefined);
  if (methods.length > 1) {
    fail(f.ctx, f.pathOf(methods[1][0]!), `cannot be combined with ${methods[0][0]} (one authentication method)`);
  }
  if (nkeySeed !== undefined && !/^SU[A-Z2-7]{56}$/.test(nkeySeed)) {
    // Never echo the value: it is a secret.
    fail(f.ctx, f.pathOf('nkey_seed'), 'is not a user NKey seed (58 characters starting with "SU")');
  }
  if (credsFile !== undefined) readableFile(f, 'creds_file', credsFile);
  const tls = tlsFiles(f.fields('tls', ['ca_file', 'cert_file', 'key_file']));
  const nats: NatsConfig = { url };
  if (user !== undefined) nats.user = user;
  if (password !== undefined) nats.password = password;
  if (token !== undefined) nats.token = token;
  if (nkeySeed !== undefined) nats.nkeySeed = nkeySeed;
  if (credsFile !== undefined) nats.credsFile = credsFile;
  if (Object.keys(tls).length > 0) nats.tls = tls;
  nats.replicas = f.int('replicas', 1, { min: 1, max: 5 });
  // Raft needs a majority: an even count tolerates no more lost servers than the odd one below it.
  if (nats.replicas % 2 === 0) fail(f.ctx, f.pathOf('replicas'), `must be 1, 3 or 5, got ${nats.replicas}`);
  if (f.has('max_bytes')) nats.maxBytes = f.int('max_bytes', 0, { min: 1 });
  if (f.has('max_age_s')) nats.maxAgeS = f.int('max_age_s', 0, { min: 1 });
  nats.quorumLostAlertS = f.int('quorum_lost_alert_s', 30, { min: 1 });
  return nats;
}

/** A message larger than the stream's byte limit could never be stored: the reader would wait forever. */
function checkStreamLimit(ctx: Context, nats: NatsConfig, sources: readonly SourceConfig[]): void {
  if (nats.maxBytes === undefined) return;
  for (const source of sources) {
    if (source.publish.maxBytes > nats.maxBytes)
      fail(
        ctx,
        'nats.max_bytes',
        `must be at least publish.max_bytes of source ${source.name} (${source.publish.maxBytes}), got ${nats.maxBytes}`,
      );
  }
}

/** ca_file, cert_file and key_file of a `tls` block: readable files, a certificate only with its key. */
function tlsFiles(t: Fields): NatsTlsConfig {
  const tls: NatsTlsConfig = {};
  for (const [key, field] of [
    ['ca_file', 'caFile'],
    ['cert_file', 'certFile'],
    ['key_file', 'keyFile'],
  ] as const) {
    const value = t.optionalString(key);
    if (value !== undefined) tls[field] = readableFile(t, key, value);
  }
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    fail(t.ctx, t.pathOf(tls.certFile === undefined ? 'cert_file' : 'key_file'), 'cert_file and key_file go together');
  }
  return tls;
}

/**
 * A MySQL `tls` block (present, even empty: TLS on). mysql2 would also take `?ssl={...}` from
 * the URL; both at once would leave which one wins to the driver, so that is an error.
 */
function mysqlTls(f: Fields, key: string, urlKey: string, url: string): MysqlTlsConfig | undefined {
  if (!f.has(key)) return undefined;
  const t = f.fields(key, ['ca_file', 'cert_file', 'key_file', 'verify']);
  if (new URL(url).searchParams.has('ssl')) {
    fail(f.ctx, f.pathOf(urlKey), `has an ssl query parameter and ${key} is set: configure TLS in ${key} only`);
  }
  return { ...tlsFiles(t), verify: t.bool('verify', true) };
}

/** A file the services must read at start: checked now, so a typo is a config error, not a connect failure. */
function readableFile(f: Fields, key: string, path: string): string {
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    fail(f.ctx, f.pathOf(key), `cannot read ${JSON.stringify(path)} (${code})`);
  }
  return path;
}

function natsUrl(ctx: Context, item: Item): string {
  const url = readString(ctx, item.path, item.value).value;
  const problem = urlProblem(url, NATS_SCHEMES, { allowBareHost: true });
  if (problem) {
    const hint = url.includes(',') ? ' (list several servers as a YAML list)' : '';
    fail(ctx, item.path, problem + hint);
  }
  return url;
}

// --- sources ---------------------------------------------------------------------------------

const ALL_SOURCE_KEYS = unique(Object.values(SOURCE_TYPES).flatMap((spec) => spec.keys));

function parseSources(top: Fields): SourceConfig[] {
  const items = top.list('sources');
  if (items.length === 0) fail(top.ctx, top.pathOf('sources'), 'at least one source is required');
  const names = new Map<string, string>();
  return items.map((item) => {
    if (item.value === undefined || item.value === null) fail(top.ctx, item.path, expected('mapping', item.value));
    const probe = Fields.of(top.ctx, item.path, item.value, ALL_SOURCE_KEYS);
    const type = probe.text('type');
    if (!Object.prototype.hasOwnProperty.call(SOURCE_TYPES, type.value)) {
      fail(
        top.ctx,
        probe.pathOf('type'),
        `unknown source type ${show(type)} (expected: ${Object.keys(SOURCE_TYPES).join(', ')})`,
      );
    }
    const spec: SourceTypeSpec<SourceConfig> = SOURCE_TYPES[type.value as SourceType];
    const f = Fields.of(top.ctx, item.path, item.value, spec.keys);
    const name = uniqueName(f, names);
    return spec.parse(f, name);
  });
}

function parsePostgresSource(f: Fields, name: string): PostgresSourceConfig {
  const url = postgresUrl(f);
  const derived = `cdc_${name.toLowerCase().replace(/-/g, '_')}`;
  const publication = parsePublication(f, derived);
  const slot = parseSlot(f, derived);
  const tables = parseTablePatterns(f);
  const partitions = f.int('partitions', 16, { min: 1, max: 1024 });
  const partitionByKey = parsePartitionBy(f, tables);
  const s = f.fields('snapshot', ['enabled', 'parallelism', 'chunk_rows']);
  const snapshot: SnapshotConfig = {
    enabled: s.bool('enabled', true),
    parallelism: s.int('parallelism', 4, { min: 1, max: 32 }),
    chunkRows: s.int('chunk_rows', 100_000, { min: 1 }),
  };
  const publish = parsePublish(f);
  const statusIntervalMs = f.int('status_interval_ms', 1000, { min: 1 });
  const tableDiscoveryIntervalS = f.int('table_discovery_interval_s', 60, { min: 0 });
  const l = f.fields('large_transactions', ['stream', 'spill_dir']);
  const largeTransactions = { stream: l.bool('stream', true), spillDir: l.optionalString('spill_dir') ?? tmpdir() };
  const failoverUrls = f.list('failover_urls', true).map((item) => {
    const text = readString(f.ctx, item.path, item.value);
    const problem = urlProblem(text.value, POSTGRES_SCHEMES);
    if (problem) fail(f.ctx, item.path, problem);
    return text.value;
  });
  return {
    name,
    type: 'postgres',
    url,
    publication,
    slot,
    tables,
    partitions,
    partitionByKey,
    snapshot,
    publish,
    statusIntervalMs,
    tableDiscoveryIntervalS,
    largeTransactions,
    failoverUrls,
  };
}

const KEYSPACE = /^[A-Za-z0-9_-]+$/;
const SHARD = /^(-|[0-9a-f]*-[0-9a-f]*|0)$/;
const MYSQL_SCHEMES = ['mysql'];

function parseVitessSource(f: Fields, name: string): VitessSourceConfig {
  const vtgate = hostPort(f, 'vtgate');
  const keyspaceText = f.text('keyspace');
  if (!KEYSPACE.test(keyspaceText.value)) {
    fail(f.ctx, f.pathOf('keyspace'), `must match ${KEYSPACE.source}, got ${show(keyspaceText)}`);
  }
  const keyspace = keyspaceText.value;
  const shards = f.list('shards', true).map((item) => {
    const text = readString(f.ctx, item.path, item.value);
    if (!SHARD.test(text.value))
      fail(f.ctx, item.path, `expected a shard name like "-80", "80-" or "0", got ${show(text)}`);
    return text.value;
  });
  if (new Set(shards).size !== shards.length) fail(f.ctx, f.pathOf('shards'), 'lists a shard twice');
  const tables = parseTablePatterns(f, keyspace);
  for (const pattern of tables) {
    const parts = splitQualified(pattern);
    if (parts && parts.schema !== keyspace) {
      fail(
        f.ctx,
        f.pathOf('tables'),
        `pattern ${JSON.stringify(pattern)} names keyspace "${parts.schema}", not "${keyspace}"`,
      );
    }
  }
  const tabletType = oneOf<VitessTabletType>(f, 'tablet_type', ['primary', 'replica', 'rdonly'], 'primary');
  const mysql = f.string('mysql');
  const problem = urlProblem(mysql, MYSQL_SCHEMES);
  if (problem) fail(f.ctx, f.pathOf('mysql'), problem);
  const mysqlTlsConfig = mysqlTls(f, 'mysql_tls', 'mysql', mysql);
  const start = oneOf<VitessStartMode>(f, 'start', ['copy', 'current'], 'copy');
  const partitions = f.int('partitions', 16, { min: 1, max: 1024 });
  const partitionByKey = parsePartitionBy(f, tables, keyspace);
  const publish = parsePublish(f);
  const heartbeatIntervalS = f.int('heartbeat_interval_s', 1, { min: 1, max: 3600 });
  const stopOnReshard = f.bool('stop_on_reshard', false);
  const r = f.fields('reconnect', ['initial_ms', 'max_ms']);
  const reconnect = { initialMs: r.int('initial_ms', 500, { min: 1 }), maxMs: r.int('max_ms', 30_000, { min: 1 }) };
  if (reconnect.maxMs < reconnect.initialMs) fail(f.ctx, r.pathOf('max_ms'), 'must be at least initial_ms');
  const source: VitessSourceConfig = {
    name,
    type: 'vitess',
    vtgate,
    keyspace,
    shards,
    tables,
    tabletType,
    mysql,
    start,
    partitions,
    partitionByKey,
    publish,
    heartbeatIntervalS,
    stopOnReshard,
    reconnect,
  };
  if (mysqlTlsConfig !== undefined) source.mysqlTls = mysqlTlsConfig;
  return source;
}

function oneOf<T extends string>(f: Fields, key: string, allowed: readonly T[], fallback: T): T {
  const text = f.optionalText(key);
  if (text === undefined) return fallback;
  const value = text.value.toLowerCase();
  if (!(allowed as readonly string[]).includes(value)) {
    fail(f.ctx, f.pathOf(key), `expected one of ${allowed.join(', ')}, got ${show(text)}`);
  }
  return value as T;
}

function hostPort(f: Fields, key: string): string {
  const text = f.text(key);
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(text.value);
  if (match === null || Number(match[2]) < 1 || Number(match[2]) > 65535) {
    fail(f.ctx, f.pathOf(key), `expected host:port, got ${show(text)}`);
  }
  return text.value;
}

function parsePublication(f: Fields, derived: string): string {
  const text = f.optionalText('publication');
  if (!text) {
    if (byteLength(derived) > MAX_IDENTIFIER_BYTES) {
      fail(
        f.ctx,
        f.pathOf('publication'),
        `default ${JSON.stringify(derived)} is longer than 63 bytes; set publication`,
      );
    }
    return derived;
  }
  if (byteLength(text.value) > MAX_IDENTIFIER_BYTES) fail(f.ctx, f.pathOf('publication'), 'longer than 63 bytes');
  return text.value;
}

function parseSlot(f: Fields, derived: string): string {
  const text = f.optionalText('slot');
  if (!text) {
    if (!SLOT.test(derived)) {
      fail(f.ctx, f.pathOf('slot'), `default ${JSON.stringify(derived)} does not match ${SLOT.source}; set slot`);
    }
    return derived;
  }
  if (!SLOT.test(text.value)) fail(f.ctx, f.pathOf('slot'), `must match ${SLOT.source}, got ${show(text)}`);
  return text.value;
}

/** Source table patterns, normalized to "schema.table" (default schema: `public`, or the Vitess keyspace). */
function parseTablePatterns(f: Fields, defaultSchema = DEFAULT_SCHEMA): string[] {
  const items = f.list('tables');
  if (items.length === 0) fail(f.ctx, f.pathOf('tables'), 'must list at least one table pattern');
  const seen = new Set<string>();
  return items.map((item) => {
    const text = readString(f.ctx, item.path, item.value);
    const parts = splitQualified(text.value);
    if (parts && (parts.schema === '' || parts.table === '')) {
      fail(f.ctx, item.path, `expected "schema.table" or "table", got ${show(text)}`);
    }
    const pattern = parts ? text.value : `${defaultSchema}.${text.value}`;
    if (seen.has(pattern)) fail(f.ctx, item.path, `duplicate table pattern ${show(text)}`);
    seen.add(pattern);
    return pattern;
  });
}

/**
 * `partition_by: { "<table pattern>": key | table }`: the patterns whose tables are spread over
 * the partitions by a hash of each row's key instead of sitting whole in one partition.
 */
function parsePartitionBy(f: Fields, tables: readonly string[], defaultSchema = DEFAULT_SCHEMA): string[] {
  const byKey: string[] = [];
  for (const entry of f.entries('partition_by')) {
    const parts = splitQualified(entry.key);
    if (parts && (parts.schema === '' || parts.table === '')) {
      fail(f.ctx, entry.path, `expected a table pattern "schema.table" or "table", got ${JSON.stringify(entry.key)}`);
    }
    const pattern = parts ? entry.key : `${defaultSchema}.${entry.key}`;
    const value = readString(f.ctx, entry.path, entry.value);
    if (value.value !== 'key' && value.value !== 'table') {
      fail(f.ctx, entry.path, `expected key or table, got ${show(value)}`);
    }
    // A literal name must be one of the source's tables; a glob only needs to be meaningful there.
    const literal = splitPattern(pattern);
    if (!pattern.includes('*') && !tableMatches(tables, literal.schema, literal.table)) {
      fail(f.ctx, entry.path, `table ${JSON.stringify(pattern)} is not matched by this source's tables`);
    }
    if (value.value === 'key') byKey.push(pattern);
  }
  return byKey;
}

function parsePublish(f: Fields): PublishConfig {
  const p = f.fields('publish', [
    'max_ops',
    'max_bytes',
    'max_delay_ms',
    'watermark_interval_ms',
    'max_buffered_bytes',
  ]);
  return {
    maxOps: p.int('max_ops', 2000, { min: 1 }),
    maxBytes: p.int('max_bytes', 1_000_000, { min: 1 }),
    maxDelayMs: p.int('max_delay_ms', 20, { min: 0 }),
    watermarkIntervalMs: p.int('watermark_interval_ms', 500, { min: 1 }),
    // 16 MiB: room for a full next message in 16 busy partitions while their previous ones await
    // acks; it bounds the reader's memory when rows are wide (docs/benchmarks.md, Profile).
    maxBufferedBytes: p.int('max_buffered_bytes', 16 * 1024 * 1024, { min: 1 }),
  };
}

// --- destinations ----------------------------------------------------------------------------

const ALL_DESTINATION_KEYS = unique(Object.values(DESTINATION_TYPES).flatMap((spec) => spec.keys));

function parseDestinations(top: Fields, sources: readonly SourceConfig[]): DestinationConfig[] {
  const items = top.list('destinations', true);
  const names = new Map<string, string>();
  return items.map((item) => {
    if (item.value === undefined || item.value === null) fail(top.ctx, item.path, expected('mapping', item.value));
    const probe = Fields.of(top.ctx, item.path, item.value, ALL_DESTINATION_KEYS);
    const type = probe.text('type');
    if (!Object.prototype.hasOwnProperty.call(DESTINATION_TYPES, type.value)) {
      const known = Object.keys(DESTINATION_TYPES).join(', ');
      fail(top.ctx, probe.pathOf('type'), `unknown destination type ${show(type)} (expected: ${known})`);
    }
    const spec: DestinationTypeSpec<DestinationConfig> = DESTINATION_TYPES[type.value as DestinationType];
    const f = Fields.of(top.ctx, item.path, item.value, spec.keys);
    const name = uniqueName(f, names);
    return spec.parse(f, name, sources);
  });
}

function parsePostgresDestination(
  f: Fields,
  name: string,
  sources: readonly SourceConfig[],
): PostgresDestinationConfig {
  const url = postgresUrl(f);
  const common = parseDestinationCommon(f, sources);
  const destination: PostgresDestinationConfig = {
    name,
    type: 'postgres',
    url,
    sources: common.sources,
    createTables: common.createTables,
    tables: common.tables,
    batch: common.batch,
    concurrency: common.concurrency,
    membership: common.membership,
    onError: common.onError,
    missingColumns: common.missingColumns,
    tablePolicies: common.tablePolicies,
  };
  if (common.schema !== undefined) destination.schema = common.schema;
  if (common.sourceId !== undefined) destination.sourceId = common.sourceId;
  return destination;
}

function parseMysqlDestination(f: Fields, name: string, sources: readonly SourceConfig[]): MysqlDestinationConfig {
  const url = f.string('url');
  const problem = urlProblem(url, ['mysql']);
  if (problem) fail(f.ctx, f.pathOf('url'), problem);
  if (new URL(url).pathname.replace(/^\//, '') === '') {
    fail(
      f.ctx,
      f.pathOf('url'),
      'must name a database (mysql://user@host:port/<database>): it holds the checkpoint table',
    );
  }
  const tls = mysqlTls(f, 'tls', 'url', url);
  const common = parseDestinationCommon(f, sources);
  rejectConsolidation(f, common);
  const unrepresentable = f.optionalText('unrepresentable');
  let policy: UnrepresentablePolicy = 'fail';
  if (unrepresentable !== undefined) {
    if (!['fail', 'json', 'null'].includes(unrepresentable.value)) {
      fail(f.ctx, f.pathOf('unrepresentable'), `expected one of fail, json, null, got ${show(unrepresentable)}`);
    }
    policy = unrepresentable.value as UnrepresentablePolicy;
  }
  const destination: MysqlDestinationConfig = {
    name,
    type: 'mysql',
    url,
    sources: common.sources,
    createTables: common.createTables,
    tables: common.tables,
    batch: common.batch,
    concurrency: common.concurrency,
    membership: common.membership,
    onError: common.onError,
    unrepresentable: policy,
    loadData: f.bool('load_data', true),
    missingColumns: common.missingColumns,
    tablePolicies: common.tablePolicies,
  };
  if (common.schema !== undefined) destination.schema = common.schema;
  if (tls !== undefined) destination.tls = tls;
  return destination;
}

/** Everything but name, type and the connection settings. */
function parseDestinationCommon(f: Fields, sources: readonly SourceConfig[]): Omit<DestinationCommonConfig, 'name'> {
  const sourceNames = parseSourceRefs(f, sources);
  const createTables = f.bool('create_tables', false);
  const applied = sources.filter((source) => sourceNames.includes(source.name));
  const { tables, policies: tablePolicies } = parseTableMapping(f, applied);
  const schema = f.optionalString('schema');
  const sourceId = parseSourceId(f, sourceNames);
  const missingColumns = oneOf<MissingColumnsPolicy>(
    f,
    'missing_columns',
    ['fail', 'create', 'ignore'],
    createTables ? 'create' : 'fail',
  );
  if (missingColumns === 'create' && !createTables) {
    fail(
      f.ctx,
      f.pathOf('missing_columns'),
      'create needs create_tables: true (columns are added by schema evolution)',
    );
  }
  const b = f.fields('batch', ['max_ops', 'max_wait_ms', 'max_idle_ms', 'max_bytes']);
  const batch: BatchConfig = {
    maxOps: b.int('max_ops', 5000, { min: 1 }),
    maxWaitMs: b.int('max_wait_ms', 50, { min: 0 }),
    maxIdleMs: b.int('max_idle_ms', 10, { min: 0 }),
    maxBytes: b.int('max_bytes', 16 * 1024 * 1024, { min: 1024 }),
  };
  const concurrency = f.int('concurrency', 4, { min: 1, max: 1024 });
  const m = f.fields('membership', ['heartbeat_ms', 'ttl_ms']);
  const membership = {
    heartbeatMs: m.int('heartbeat_ms', 1000, { min: 50 }),
    ttlMs: m.int('ttl_ms', 5000, { min: 100 }),
  };
  if (membership.ttlMs < membership.heartbeatMs * 2) {
    fail(m.ctx, m.pathOf('ttl_ms'), `must be at least twice heartbeat_ms (${membership.heartbeatMs})`);
  }
  const onErrorText = f.optionalText('on_error');
  let onError: OnErrorPolicy = 'stop';
  if (onErrorText !== undefined) {
    if (!['stop', 'dead-letter'].includes(onErrorText.value)) {
      fail(f.ctx, f.pathOf('on_error'), `expected one of stop, dead-letter, got ${show(onErrorText)}`);
    }
    onError = onErrorText.value as OnErrorPolicy;
  }
  const common: Omit<DestinationCommonConfig, 'name'> = {
    sources: sourceNames,
    createTables,
    tables,
    batch,
    concurrency,
    membership,
    onError,
    missingColumns,
    tablePolicies,
  };
  if (schema !== undefined) common.schema = schema;
  if (sourceId !== undefined) common.sourceId = sourceId;
  return common;
}

const CDC_PREFIX = '_cdc_';

function parseSourceId(f: Fields, sourceNames: readonly string[]): SourceIdConfig | undefined {
  if (!f.has('source_id')) return undefined;
  const s = f.fields('source_id', ['column', 'values'], true);
  const column = s.string('column');
  if (column.startsWith(CDC_PREFIX)) {
    fail(s.ctx, s.pathOf('column'), `must not start with ${CDC_PREFIX} (reserved for history/append-only columns)`);
  }
  const values: Record<string, string> = {};
  for (const name of sourceNames) values[name] = name;
  const given = new Map<string, string>();
  for (const entry of s.entries('values')) {
    if (!sourceNames.includes(entry.key)) {
      fail(
        s.ctx,
        entry.path,
        `source ${JSON.stringify(entry.key)} is not in this destination's sources (${sourceNames.join(', ')})`,
      );
    }
    values[entry.key] = readString(s.ctx, entry.path, entry.value).value;
    given.set(entry.key, entry.path);
  }
  const owner = new Map<string, string>();
  for (const name of sourceNames) {
    const other = owner.get(values[name]);
    if (other !== undefined) {
      fail(
        s.ctx,
        given.get(name) ?? given.get(other) ?? s.pathOf('values'),
        `sources ${JSON.stringify(other)} and ${JSON.stringify(name)} have the same id ${JSON.stringify(values[name])}`,
      );
    }
    owner.set(values[name], name);
  }
  return { column, values };
}

/** MySQL destinations write every table as a clone of one source (no fan-in, models or column mapping yet). */
function rejectConsolidation(f: Fields, common: Omit<DestinationCommonConfig, 'name'>): void {
  const unsupported = 'is not supported for type: mysql yet (postgres destinations only)';
  if (common.sourceId !== undefined) fail(f.ctx, f.pathOf('source_id'), unsupported);
  if (f.has('missing_columns')) fail(f.ctx, f.pathOf('missing_columns'), unsupported);
  for (const entry of f.entries('tables')) {
    if (entry.value === null || typeof entry.value !== 'object') continue;
    for (const key of Object.keys(entry.value)) {
      if (key !== 'to') fail(f.ctx, keyPath(entry.path, key), unsupported);
    }
  }
}

function parseSourceRefs(f: Fields, sources: readonly SourceConfig[]): string[] {
  const items = f.list('sources');
  if (items.length === 0) fail(f.ctx, f.pathOf('sources'), 'must list at least one source');
  const known = sources.map((source) => source.name);
  const seen = new Set<string>();
  return items.map((item) => {
    const text = readString(f.ctx, item.path, item.value);
    if (!known.includes(text.value))
      fail(f.ctx, item.path, `unknown source ${show(text)} (known: ${known.join(', ')})`);
    if (seen.has(text.value)) fail(f.ctx, item.path, `duplicate source ${show(text)}`);
    seen.add(text.value);
    return text.value;
  });
}

function parseTableMapping(
  f: Fields,
  applied: readonly SourceConfig[],
): { tables: Record<string, string>; policies: Record<string, TablePolicy> } {
  const tables: Record<string, string> = {};
  const policies: Record<string, TablePolicy> = {};
  for (const entry of f.entries('tables')) {
    const from = splitQualified(entry.key);
    if (!from || from.schema === '' || from.table === '') fail(f.ctx, entry.path, 'key must be "schema.table"');
    if (!applied.some((source) => tableMatches(source.tables, from.schema, from.table))) {
      const names = applied.map((source) => JSON.stringify(source.name)).join(', ');
      fail(f.ctx, entry.path, `not matched by the table patterns of source${applied.length > 1 ? 's' : ''} ${names}`);
    }
    let toText: Text | undefined;
    let toPath = entry.path;
    if (typeof entry.value === 'string' || entry.value === undefined || entry.value === null) {
      toText = readString(f.ctx, entry.path, entry.value);
    } else {
      const t = Fields.of(f.ctx, entry.path, entry.value, ['to', 'mode', 'columns', 'deletes']);
      toText = t.optionalText('to');
      toPath = t.pathOf('to');
      policies[entry.key] = parseTablePolicy(t);
    }
    if (toText !== undefined) {
      const to = splitQualified(toText.value);
      if (!to || to.schema === '' || to.table === '')
        fail(f.ctx, toPath, `expected "schema.table", got ${show(toText)}`);
      tables[entry.key] = toText.value;
    }
  }
  return { tables, policies };
}

function parseTablePolicy(t: Fields): TablePolicy {
  const mode = oneOf<PropagationMode>(t, 'mode', ['clone', 'history', 'append-only'], 'clone');
  if (t.has('deletes') && mode !== 'append-only') {
    fail(t.ctx, t.pathOf('deletes'), `only applies to mode: append-only (this table's mode is ${mode})`);
  }
  const deletes = oneOf<DeletesPolicy>(t, 'deletes', ['ignore', 'record'], 'ignore');
  const c = t.fields('columns', ['rename', 'exclude']);
  const exclude: string[] = [];
  for (const item of c.list('exclude', true)) {
    const name = readString(c.ctx, item.path, item.value).value;
    if (exclude.includes(name)) fail(c.ctx, item.path, `duplicate column ${JSON.stringify(name)}`);
    exclude.push(name);
  }
  const rename: Record<string, string> = {};
  const targets = new Map<string, string>();
  for (const entry of c.entries('rename')) {
    const to = readString(c.ctx, entry.path, entry.value).value;
    if (exclude.includes(entry.key)) fail(c.ctx, entry.path, `column ${JSON.stringify(entry.key)} is also excluded`);
    if (to.startsWith(CDC_PREFIX)) fail(c.ctx, entry.path, `must not start with ${CDC_PREFIX} (reserved)`);
    const clash = targets.get(to);
    if (clash !== undefined) {
      fail(
        c.ctx,
        entry.path,
        `${JSON.stringify(entry.key)} and ${JSON.stringify(clash)} are both renamed to ${JSON.stringify(to)}`,
      );
    }
    targets.set(to, entry.key);
    rename[entry.key] = to;
  }
  return { mode, rename, exclude, deletes };
}

// --- coordinator -----------------------------------------------------------------------------

function parseCoordinator(top: Fields): CoordinatorConfig {
  const c = top.fields('coordinator', ['interval_ms']);
  return { intervalMs: c.int('interval_ms', 500, { min: 1 }) };
}

// --- shared ----------------------------------------------------------------------------------

function uniqueName(f: Fields, seen: Map<string, string>): string {
  const text = f.text('name');
  if (!NAME.test(text.value)) fail(f.ctx, f.pathOf('name'), `must match ${NAME.source}, got ${show(text)}`);
  const previous = seen.get(text.value);
  if (previous !== undefined) fail(f.ctx, f.pathOf('name'), `duplicate name ${show(text)} (also ${previous})`);
  seen.set(text.value, f.path);
  return text.value;
}

function postgresUrl(f: Fields): string {
  const url = f.string('url');
  const problem = urlProblem(url, POSTGRES_SCHEMES);
  if (problem) fail(f.ctx, f.pathOf('url'), problem);
  return url;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
