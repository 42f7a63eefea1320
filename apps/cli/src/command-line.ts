import { parseArgs } from 'node:util';
import { COMMANDS, type CommandSpec } from './commands';

/**
 * A wrong command line: printed as one `error:` line, exit 1 like any other error, except for
 * commands whose exit 1 means something else (`verify`: "not equal"), which give `usageExitCode`.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const GLOBAL_OPTIONS = { help: { type: 'boolean', short: 'h' } } as const;

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export type Invocation =
  | { readonly kind: 'help'; readonly text: string; readonly exitCode: number }
  | {
      readonly kind: 'run';
      readonly command: string;
      readonly values: OptionValues;
      readonly positional: readonly string[];
    };

/**
 * The command line: a command (one or two words, see COMMANDS), then its options, parsed with
 * util.parseArgs (strict: an unknown option or a missing value is a usage error naming the
 * command's options). `--help`/`-h` anywhere asks for help, which exits 0.
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-') || words.length === 2) break;
    words.push(arg);
  }
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (words.length === 0 || words[0] === 'help') {
    const topic = words[0] === 'help' ? argv.slice(1).filter((a) => !a.startsWith('-')) : [];
    if (topic.length > 0) return parseCommandLine([...topic, '--help']);
    // `cdc` alone is a usage error (exit 2, the usual code for it); asking for help is not.
    return { kind: 'help', text: overview(), exitCode: wantsHelp || words[0] === 'help' ? 0 : 2 };
  }
  const spec =
    COMMANDS.find((c) => c.name === words.join(' ')) ??
    COMMANDS.find((c) => c.name === words[0]) ??
    groupHelp(words[0], wantsHelp);
  if ('kind' in spec) return spec;
  if (wantsHelp) return { kind: 'help', text: commandHelp(spec), exitCode: 0 };
  try {
    return parseOptions(spec, argv.slice(spec.name.split(' ').length));
  } catch (error) {
    if (error instanceof UsageError && spec.usageExitCode !== undefined)
      throw new UsageError(error.message, spec.usageExitCode);
    throw error;
  }
}

function parseOptions(spec: CommandSpec, rest: readonly string[]): Invocation {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...GLOBAL_OPTIONS, ...optionConfig(spec) },
      allowPositionals: spec.positional !== undefined,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(explainParseError(spec, error));
  }
  const values = { ...parsed.values } as Record<string, string | boolean | undefined>;
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.required && (values[name] === undefined || values[name] === ''))
      throw new UsageError(`cdc ${spec.name}: --${name} <${option.value ?? 'value'}> is required`);
  }
  if (spec.positional !== undefined && parsed.positionals.length > 1)
    throw new UsageError(`cdc ${spec.name}: one ${spec.positional.name} expected, got ${parsed.positionals.length}`);
  if (spec.positional?.required && parsed.positionals.length === 0)
    throw new UsageError(`cdc ${spec.name}: ${spec.positional.name} is required (${usageLine(spec)})`);
  return { kind: 'run', command: spec.name, values, positional: parsed.positionals };
}

/** `cdc dlq` / `cdc config` without (or with an unknown) sub-command; an unknown command. */
function groupHelp(word: string, wantsHelp: boolean): Invocation {
  const members = COMMANDS.filter((c) => c.name.startsWith(`${word} `));
  if (members.length === 0)
    throw new UsageError(
      `unknown command "${word}" (commands: ${unique(COMMANDS.map((c) => c.name.split(' ')[0])).join(', ')}; cdc --help)`,
    );
  if (wantsHelp) return { kind: 'help', text: members.map(commandHelp).join('\n\n'), exitCode: 0 };
  throw new UsageError(
    `cdc ${word}: expected ${members.map((c) => c.name.split(' ')[1]).join(' or ')} (${members.map(usageLine).join('; ')})`,
  );
}

function optionConfig(spec: CommandSpec) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, option] of Object.entries(spec.options))
    options[name] = option.short ? { type: option.type, short: option.short } : { type: option.type };
  return options;
}

function explainParseError(spec: CommandSpec, error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const known = Object.keys(spec.options).map((name) => `--${name}`);
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `cdc ${spec.name}: unknown option ${option ?? message} (options: ${known.join(', ') || 'none'})`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = option?.replace(/^--/, '') ?? '';
      const placeholder = spec.options[name]?.value ?? 'value';
      return spec.options[name]?.type === 'boolean'
        ? `cdc ${spec.name}: --${name} takes no value`
        : `cdc ${spec.name}: --${name} <${placeholder}> is required`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `cdc ${spec.name}: unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''} (${usageLine(spec)})`;
    default:
      return `cdc ${spec.name}: ${message}`;
  }
}

function usageLine(spec: CommandSpec): string {
  const parts = [`cdc ${spec.name}`];
  if (spec.positional) parts.push(spec.positional.required ? spec.positional.name : `[${spec.positional.name}]`);
  for (const [name, option] of Object.entries(spec.options)) {
    const text = option.type === 'string' ? `--${name} ${option.value ?? 'VALUE'}` : `--${name}`;
    parts.push(option.required ? text : `[${text}]`);
  }
  return parts.join(' ');
}

function commandHelp(spec: CommandSpec): string {
  const rows: [string, string][] = [];
  if (spec.positional) rows.push([spec.positional.name, spec.positional.description]);
  for (const [name, option] of Object.entries(spec.options))
    rows.push([
      option.type === 'string' ? `--${name} ${option.value ?? 'VALUE'}` : `--${name}`,
      `${option.description}${option.required ? ' (required)' : ''}`,
    ]);
  rows.push(['-h, --help', 'this help']);
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `cdc ${spec.name}: ${spec.summary}`,
    '',
    `usage: ${usageLine(spec)}`,
    '',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    ...(spec.details ? ['', spec.details] : []),
  ].join('\n');
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'cdc: change-data-capture over NATS JetStream',
    '',
    'usage: cdc <command> [options]      cdc <command> --help for its options',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Services (reader, applier, coordinator, up) stop cleanly on SIGTERM/SIGINT and log to stderr',
    '(CDC_LOG_LEVEL=debug|info|warn, CDC_LOG_FORMAT=json|pretty or --log-format). See README.md.',
  ].join('\n');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
