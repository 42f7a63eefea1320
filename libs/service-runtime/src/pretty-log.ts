/** Keys shown in a line's prefix (in this order), not repeated as key=value. */
const CONTEXT_KEYS = ['service', 'component', 'source', 'destination', 'partition'] as const;

const LEVEL_COLOURS: Record<string, string> = {
  trace: '\x1b[90m',
  debug: '\x1b[36m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[35m',
};
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/**
 * One JSON log line as one line for a person at a terminal:
 * `12:04:05.123 INFO  reader demo p3  applied batch  ops=120 ms=8`.
 * The time is UTC, as in the JSON. A line that is not a JSON object is passed through.
 */
export function prettyLogLine(line: string, options: { colour?: boolean } = {}): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return line;
  const { time, level, msg, ...fields } = entry;
  const colour = options.colour === true;
  const label = String(level ?? '').toUpperCase();
  const levelText = colour ? `${LEVEL_COLOURS[String(level)] ?? ''}${label.padEnd(5)}${RESET}` : label.padEnd(5);
  const clock = typeof time === 'string' && time.length >= 23 ? time.slice(11, 23) : String(time ?? '');
  const context: string[] = [];
  for (const key of CONTEXT_KEYS) {
    if (fields[key] === undefined) continue;
    context.push(key === 'partition' ? `p${String(fields[key])}` : String(fields[key]));
    delete fields[key];
  }
  const rest = Object.entries(fields).map(([key, value]) => `${key}=${fieldText(value)}`);
  const contextText = colour ? `${DIM}${context.join(' ')}${RESET}` : context.join(' ');
  return `${[clock, levelText, contextText, String(msg ?? '')].filter((part) => part !== '').join(' ')}${
    rest.length > 0 ? `  ${rest.join(' ')}` : ''
  }\n`;
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}
