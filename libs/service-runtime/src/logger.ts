import pino from 'pino';
import { prettyLogLine } from './pretty-log';

export type Logger = pino.Logger;

/** `json` (one JSON object a line, the default) or `pretty` (one readable line, for a terminal). */
export type LogFormat = 'json' | 'pretty';

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

export interface LoggerOptions {
  /** Default: CDC_LOG_LEVEL, else info. */
  readonly level?: string;
  /** Default: CDC_LOG_FORMAT, else json. */
  readonly format?: LogFormat;
  /** Default: stderr. */
  readonly destination?: { write(line: string): unknown };
}

/** CDC_LOG_FORMAT, checked: a typo there must not silently fall back to JSON. */
export function logFormatFromEnvironment(value = process.env.CDC_LOG_FORMAT): LogFormat {
  if (value === undefined || value === '') return 'json';
  if ((LOG_FORMATS as readonly string[]).includes(value)) return value as LogFormat;
  throw new Error(`CDC_LOG_FORMAT is "${value}": use ${LOG_FORMATS.join(' or ')}`);
}

/**
 * Structured logs on stderr (stdout stays free for command output such as `cdc status`).
 *
 * Every line holds each key once. Pino appends a child's bindings to its parent's, so
 * `log.child({ source })` under a logger already bound to `source` would write the key twice
 * (which JSON parsers resolve differently, and some reject): a child's bindings replace its
 * parent's keys instead, and the fields of one call replace the bindings they name.
 */
/** The buffered stderr destinations of this process's loggers (see flushLogs). */
const asyncDestinations = new Set<ReturnType<typeof pino.destination>>();

/**
 * Writes out what the loggers still buffer. Log lines go to stderr asynchronously; a process
 * about to print its one-line error and exit calls this first, so that line is the last one
 * (not followed by an earlier, buffered log line) and nothing buffered is lost.
 */
export function flushLogs(): void {
  for (const destination of asyncDestinations) {
    try {
      destination.flushSync();
    } catch {
      // not open yet, or already closed: nothing to write
    }
  }
}

/**
 * flushLogs, after the writes already handed to the kernel have finished. A destination with an
 * asynchronous write in flight writes that (earlier) text when the write completes, which can be
 * after a line printed now: flushLogs alone let a log line written just before the error line
 * land after it. Waits at most `limitMs`.
 */
export async function flushLogsInOrder(limitMs = 2_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  // SonicBoom has no public "write in flight" flag; `_writing` is the one its own flushSync reads.
  const writing = () => [...asyncDestinations].some((d) => (d as unknown as { _writing?: boolean })._writing === true);
  while (writing() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
  flushLogs();
}

export function createLogger(
  service: string,
  bindings: Record<string, unknown> = {},
  options: LoggerOptions = {},
): Logger {
  const format = options.format ?? logFormatFromEnvironment();
  const stderr = options.destination ?? pino.destination({ fd: 2, sync: false });
  if (options.destination === undefined) asyncDestinations.add(stderr as ReturnType<typeof pino.destination>);
  const colour = format === 'pretty' && options.destination === undefined && colourWanted();
  const destination =
    format === 'pretty' ? { write: (line: string) => stderr.write(prettyLogLine(line, { colour })) } : stderr;
  return pino(
    {
      level: options.level ?? process.env.CDC_LOG_LEVEL ?? 'info',
      base: { service, ...bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      onChild: mergeRepeatedBindings,
      hooks: {
        logMethod(args, method) {
          const overridden = fieldsOverridingBindings(this, args[0]);
          if (overridden === undefined) return method.apply(this, args);
          // One call's fields win over the bindings they name: log them through a child bound to them.
          const rest = { ...(args[0] as Record<string, unknown>) };
          for (const key of Object.keys(overridden)) delete rest[key];
          return method.apply(this.child(overridden), [rest, ...args.slice(1)] as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

const { chindingsSym } = pino.symbols;

/** The keys each logger is bound to (its own and its ancestors'), for the per-call check. */
const boundKeys = new WeakMap<object, ReadonlySet<string>>();

/** Parses pino's serialized bindings (`,"a":1,"b":"x"`); a repeated key keeps its first place and its last value. */
function parseBindings(serialized: string): Record<string, unknown> {
  return serialized === '' ? {} : (JSON.parse(`{${serialized.slice(1)}}`) as Record<string, unknown>);
}

function bindingsOf(log: Logger): string {
  return (log as unknown as Record<symbol, string>)[chindingsSym] ?? '';
}

function mergeRepeatedBindings(child: Logger): void {
  const merged = parseBindings(bindingsOf(child));
  (child as unknown as Record<symbol, string>)[chindingsSym] = Object.entries(merged)
    .map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join('');
  boundKeys.set(child, new Set(Object.keys(merged)));
}

function fieldsOverridingBindings(log: Logger, first: unknown): Record<string, unknown> | undefined {
  if (first === null || typeof first !== 'object' || first instanceof Error) return undefined;
  let keys = boundKeys.get(log);
  if (keys === undefined) {
    keys = new Set(Object.keys(parseBindings(bindingsOf(log))));
    boundKeys.set(log, keys);
  }
  let overridden: Record<string, unknown> | undefined;
  for (const key of Object.keys(first))
    if (keys.has(key)) (overridden ??= {})[key] = (first as Record<string, unknown>)[key];
  return overridden;
}

function colourWanted(): boolean {
  return process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
}
