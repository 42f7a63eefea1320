// What the `cdc` commands are: their names, options and help text, as data. command-line.ts
// parses a command line against it and writes the help from it.

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** For string options: the placeholder in usage lines (FILE, NAME, N). */
  readonly value?: string;
  readonly required?: boolean;
  readonly short?: string;
}

export interface CommandSpec {
  /** `reader`, or `dlq list`: the words before the options. */
  readonly name: string;
  readonly summary: string;
  /** What the usage line shows after the name and the options (positional arguments). */
  readonly positional?: { readonly name: string; readonly description: string; readonly required: boolean };
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Further paragraphs of `cdc <command> --help`. */
  readonly details?: string;
  /** The exit code of a usage error (default 1), for commands whose exit 1 has a meaning of its own. */
  readonly usageExitCode?: number;
}

const config: OptionSpec = { type: 'string', value: 'FILE', required: true, description: 'the YAML config file' };
const json: OptionSpec = { type: 'boolean', description: 'print JSON instead of text' };
const logFormat: OptionSpec = {
  type: 'string',
  value: 'json|pretty',
  description: 'log lines as JSON (default) or one readable line each (also CDC_LOG_FORMAT)',
};

const SERVICE_DETAILS = `Stops cleanly on SIGTERM/SIGINT (in-flight work finished or abandoned unacked; a second signal exits
at once). Logs go to stderr (CDC_LOG_LEVEL=debug|info|warn, CDC_LOG_FORMAT=json|pretty).
CDC_HTTP_ADDR=host:port serves /metrics, /healthz and /readyz; traces are exported over OTLP when
OTEL_TRACES_EXPORTER=otlp or OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set (see libs/telemetry).`;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'reader',
    summary: 'read a source, publish its changes',
    options: {
      config,
      source: { type: 'string', value: 'NAME', required: true, description: 'the source to read (sources[].name)' },
      'log-format': logFormat,
    },
    details: `${SERVICE_DETAILS}
SIGHUP makes a Postgres reader re-read its config file: table patterns apply at once (new tables are
backfilled live, removed ones leave the publication).`,
  },
  {
    name: 'applier',
    summary: 'apply changes to a destination',
    options: {
      config,
      destination: {
        type: 'string',
        value: 'NAME',
        required: true,
        description: 'the destination to apply (destinations[].name)',
      },
      'log-format': logFormat,
    },
    details: `Several appliers of one destination share its partitions. ${SERVICE_DETAILS}`,
  },
  {
    name: 'coordinator',
    summary: 'compute committed positions',
    options: {
      config,
      console: {
        type: 'string',
        value: 'HOST:PORT',
        description: 'also serve the read-only console there (as cdc console --listen; no login)',
      },
      'log-format': logFormat,
    },
    details: SERVICE_DETAILS,
  },
  {
    name: 'up',
    summary: 'run every service of the config in one process',
    options: { config, 'log-format': logFormat },
    details: `For small setups and trying things out. The services live and die together: the first one that
fails (at start-up or later) prints its error line at once, the others stop, and the process exits 1.
${SERVICE_DETAILS}`,
  },
  {
    name: 'status',
    summary: 'positions, slot lag, pending messages',
    options: { config, json },
    details: 'Read-only: the same KV, stream and database state the console shows.',
  },
  {
    name: 'reload',
    summary: 'running readers read the config file again',
    options: {
      config,
      source: { type: 'string', value: 'NAME', description: 'only the reader of this source' },
    },
  },
  {
    name: 'resnapshot',
    summary: 'start a Postgres source over with a new initial snapshot',
    options: {
      config,
      source: { type: 'string', value: 'NAME', required: true, description: 'the Postgres source (sources[].name)' },
      force: { type: 'boolean', description: 'also when its slot is still usable' },
    },
    details: `Drops the source's replication slot and records the request in NATS; the reader's next start creates
a new slot and copies every table again, each destination table emptied first. This is the way on after the
server invalidated the slot (max_slot_wal_keep_size), or after a failover to a standby that did not have it
(the reader stops and says so in both cases: it never replaces a missing slot on its own). A usable slot is
dropped only with --force. Stop the reader first: a slot in use is never dropped.`,
  },
  {
    name: 'start-at',
    summary: "where a new Vitess source's first start streams from",
    options: {
      config,
      source: { type: 'string', value: 'NAME', required: true, description: 'the Vitess source (sources[].name)' },
      vgtid: {
        type: 'string',
        value: 'POSITION',
        required: true,
        description: 'keyspace/shard@GTID[, keyspace/shard@GTID...], as cdc status prints positions',
      },
    },
    details: `Instead of a copy (start: copy) or the current position: for the hand-over of a table moved by
MoveTables to a source of the target keyspace, started at the position the workflow's journal records
for the switch (apps/reader-vitess/README.md, "MoveTables"). Only for a source that has never run: one
with a committed position or a recorded start is refused.`,
  },
  {
    name: 'dlq list',
    summary: 'ops set aside (on_error: dead-letter)',
    options: {
      config,
      destination: { type: 'string', value: 'NAME', required: true, description: 'the destination' },
      json,
    },
  },
  {
    name: 'dlq replay',
    summary: 'apply dead letters again, remove those that pass',
    options: {
      config,
      destination: { type: 'string', value: 'NAME', required: true, description: 'the destination' },
      id: { type: 'string', value: 'N', description: 'the dead letter to replay (see cdc dlq list)' },
      all: { type: 'boolean', description: 'replay every dead letter of the destination' },
    },
    details: 'Give either --id N or --all.',
  },
  {
    name: 'config check',
    summary: 'validate a config file without connecting to anything',
    positional: { name: 'FILE', description: 'the YAML config file', required: true },
    options: {},
    details: `Prints "ok" and a one-line summary, or the one line that says what to fix (exit 1). \${VAR} and
\${file:...} are substituted as the services do, so a missing variable is reported too.`,
  },
  {
    name: 'config explain',
    summary: 'print the effective config, defaults filled in',
    positional: { name: 'FILE', description: 'the YAML config file', required: true },
    options: { json },
    details: `Every option as the services see it (keys as in the YAML file), with the defaults the file left
out. Passwords in URLs and NATS credentials are shown as ***.`,
  },
  {
    name: 'config schema',
    summary: 'print the JSON Schema of the config file (for YAML editors)',
    options: {},
    details: `JSON Schema draft 2020-12, from the same schema the services parse the file with: every key, its
type, default and description, so an editor completes and checks the file. Save it and point the
file at it with a first line "# yaml-language-server: $schema=<path or URL>" (see the README).
Checks that span keys (a destination's sources exist, ...) are cdc config check's.`,
  },
  {
    name: 'console',
    summary: 'a read-only web page of the pipeline (loopback by default)',
    options: {
      config,
      listen: {
        type: 'string',
        value: 'HOST:PORT',
        description: 'where to serve it (default 127.0.0.1:9480; port 0 picks a free one)',
      },
      'log-format': logFormat,
    },
    details: `The pipeline as a picture, per source the committed position, slot lag and throughput of the last
minutes, per partition pending messages, the age of the oldest unapplied change and its owner,
appliers, dead letters, table copy progress with an ETA, and problems. It reads what cdc status
reads (KV, streams, databases) every 2 s and changes nothing. There is no login: it listens on
loopback unless --listen says otherwise, and then says so.`,
  },
  {
    name: 'verify',
    summary: 'compare source and destination tables while replication runs',
    options: {
      config,
      source: { type: 'string', value: 'NAME', description: 'only this source' },
      destination: { type: 'string', value: 'NAME', description: 'only this destination' },
      tables: {
        type: 'string',
        value: 'PATTERNS',
        description: 'only source tables matching these patterns (comma-separated)',
      },
      json,
      'chunk-rows': count('rows per chunk (default 10000)'),
      parallelism: count('chunks compared at once (default 4)'),
      'max-rows-per-second': count('source rows read per second at most (default: no limit)'),
      rechecks: count('times a differing row is read again before it is reported (default 3)'),
      'wait-timeout-s': count("longest wait for a destination to apply a chunk's source position (default 120)"),
      repair: {
        type: 'boolean',
        description: "send the differing rows again through the pipeline (the source's reader re-reads them)",
      },
      resume: {
        type: 'boolean',
        description: 'go on with the interrupted run of the same --source/--destination/--tables',
      },
    },
    // 1 means "not equal": a wrong command line must not look like a verdict.
    usageExitCode: 2,
    details: `Exit 0 when every compared table is equal, 1 when one differs, 2 on an error (a wrong command line
too). Checksums are computed inside each database per key-range chunk; a chunk's destination side
is read once the destination applied the source position of the chunk's snapshot. Progress is
stored in the NATS KV bucket cdc_verify as the run goes (--resume goes on from it).
CDC_HTTP_ADDR=host:port serves the cdc_verify_* metrics on /metrics while it runs.
See libs/verify/README.md.`,
  },
];

function count(description: string): OptionSpec {
  return { type: 'string', value: 'N', description };
}
