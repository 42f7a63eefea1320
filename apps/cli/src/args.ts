/** Minimal flag parsing: `--name value` and `--name=value`; booleans as `--flag`. */
export interface ParsedArgs {
  readonly command: string | undefined;
  readonly flags: Map<string, string | true>;
  readonly positional: string[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) {
        flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
        flags.set(arg.slice(2), argv[i + 1]);
        i += 1;
      } else {
        flags.set(arg.slice(2), true);
      }
    } else {
      positional.push(arg);
    }
  }
  return { command: positional.shift(), flags, positional };
}

export function requireFlag(args: ParsedArgs, name: string, command: string): string {
  const value = args.flags.get(name);
  if (typeof value !== 'string' || value === '') throw new UsageError(`cdc ${command}: --${name} <value> is required`);
  return value;
}

export function checkFlags(args: ParsedArgs, allowed: readonly string[], command: string): void {
  for (const name of args.flags.keys()) {
    if (!allowed.includes(name))
      throw new UsageError(
        `cdc ${command}: unknown option --${name} (options: ${allowed.map((a) => `--${a}`).join(', ')})`,
      );
  }
}
